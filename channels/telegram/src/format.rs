//! Escaping for Telegram's formatted text
//! (<https://core.telegram.org/bots/api#formatting-options>): interpolate
//! user-supplied text into HTML or MarkdownV2 without it being read as
//! markup, and without Telegram refusing the message ("can't parse entities").
//!
//! ```
//! use switchboard_telegram::format::{escape_html, escape_markdown_v2};
//! let name = "Ann <3 & co.";
//! assert_eq!(format!("<b>{}</b>", escape_html(name)), "<b>Ann &lt;3 &amp; co.</b>");
//! assert_eq!(format!("*{}*", escape_markdown_v2("1+1=2!")), "*1\\+1\\=2\\!*");
//! ```

/// Escapes text for `parse_mode = HTML`: `<`, `>`, `&` (required by the
/// Bot API outside tags and entities) and `"` (so that the text is also
/// safe inside an `href="…"` attribute).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The characters MarkdownV2 requires escaped anywhere outside code and
/// link URLs (the Bot API's list), and the backslash itself.
const MARKDOWN_V2_RESERVED: &[char] = &[
    '_', '*', '[', ']', '(', ')', '~', '`', '>', '#', '+', '-', '=', '|', '{', '}', '.', '!', '\\',
];

fn escape_with(text: &str, reserved: &[char]) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        if reserved.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes text for `parse_mode = MarkdownV2` anywhere outside `pre`,
/// `code` and the URL part of a link.
pub fn escape_markdown_v2(text: &str) -> String {
    escape_with(text, MARKDOWN_V2_RESERVED)
}

/// Escapes text inside a MarkdownV2 `` `code` `` or ```` ```pre``` ````
/// entity: only `` ` `` and `\` are escaped there.
pub fn escape_markdown_v2_code(text: &str) -> String {
    escape_with(text, &['`', '\\'])
}

/// Escapes the URL of a MarkdownV2 inline link `[text](url)`: only `)` and
/// `\` are escaped there.
pub fn escape_markdown_v2_url(url: &str) -> String {
    escape_with(url, &[')', '\\'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_the_three_required_characters_and_quotes() {
        assert_eq!(escape_html(r#"a<b>&"c""#), "a&lt;b&gt;&amp;&quot;c&quot;");
        assert_eq!(escape_html("plain é text"), "plain é text");
    }

    #[test]
    fn markdown_v2_escapes_every_reserved_character() {
        let reserved = "_*[]()~`>#+-=|{}.!\\";
        let escaped = escape_markdown_v2(reserved);
        assert_eq!(escaped.chars().filter(|&c| c == '\\').count(), 19 + 1);
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            assert_eq!(
                c, '\\',
                "every reserved character is preceded by a backslash"
            );
            assert!(reserved.contains(chars.next().unwrap()));
        }
        assert_eq!(escape_markdown_v2("Order 1042 ready"), "Order 1042 ready");
    }

    #[test]
    fn code_and_url_escape_only_their_own_characters() {
        assert_eq!(escape_markdown_v2_code("a`b\\c*d"), "a\\`b\\\\c*d");
        assert_eq!(
            escape_markdown_v2_url("https://x.example/a_(b)\\"),
            "https://x.example/a_(b\\)\\\\"
        );
    }
}
