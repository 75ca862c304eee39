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

use crate::ParseMode;

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

/// The length Telegram counts a text or caption by: its characters "after
/// entities parsing", markup removed. HTML tags count nothing and an
/// entity (`&amp;`) one character; in MarkdownV2 the formatting characters
/// count nothing, an escaped character one, and a link's URL nothing.
///
/// ```
/// use switchboard_telegram::format::visible_chars;
/// use switchboard_telegram::ParseMode;
/// assert_eq!(visible_chars("<b>Hi</b> &amp; bye", Some(ParseMode::Html)), 8);
/// assert_eq!(visible_chars("*Hi* \\& [bye](https://x.example)", Some(ParseMode::MarkdownV2)), 8);
/// assert_eq!(visible_chars("<b>Hi</b>", None), 9);
/// ```
pub fn visible_chars(text: &str, mode: Option<ParseMode>) -> usize {
    match mode {
        None => text.chars().count(),
        Some(ParseMode::Html) => html_chars(text),
        Some(ParseMode::MarkdownV2) => markdown_v2_chars(text),
    }
}

fn html_chars(text: &str) -> usize {
    let mut n = 0;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let skip = match c {
            '<' => rest.find('>').map(|end| end + 1),
            '&' => rest
                .find(';')
                .filter(|&end| {
                    end > 1
                        && rest[1..end]
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'#')
                })
                .map(|end| {
                    n += 1;
                    end + 1
                }),
            _ => None,
        };
        match skip {
            Some(len) => rest = &rest[len..],
            None => {
                n += 1;
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    n
}

fn markdown_v2_chars(text: &str) -> usize {
    let (mut n, mut chars) = (0, text.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if chars.next().is_some() {
                    n += 1;
                }
            }
            ']' if chars.peek() == Some(&'(') => {
                // Skip the link's URL up to its unescaped `)`.
                while let Some(u) = chars.next() {
                    match u {
                        '\\' => {
                            chars.next();
                        }
                        ')' => break,
                        _ => {}
                    }
                }
            }
            '*' | '_' | '~' | '|' | '`' | '[' | ']' => {}
            _ => n += 1,
        }
    }
    n
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
    fn visible_length_ignores_markup_and_counts_entities_once() {
        let html = Some(ParseMode::Html);
        assert_eq!(
            visible_chars("<a href=\"https://x.example\">shop</a>", html),
            4
        );
        assert_eq!(visible_chars("a &lt; b &#60; c", html), 9);
        assert_eq!(
            visible_chars("a & b; c", html),
            8,
            "a bare & is a character"
        );
        assert_eq!(visible_chars("<unclosed", html), 9);
        let md = Some(ParseMode::MarkdownV2);
        assert_eq!(visible_chars("__u__ ||s|| ~x~ `c`", md), 7);
        assert_eq!(visible_chars(&escape_markdown_v2("1+1=2!"), md), 6);
        assert_eq!(visible_chars("[a](https://x.example/\\)z) b", md), 3);
        assert_eq!(visible_chars("trailing \\", md), 9);
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
