//! WhatsApp's text formatting — `*bold*`, `_italic_`, `~strikethrough~`,
//! ```` ```monospace``` ```` — with escaping of user text.
//!
//! WhatsApp has no escape character: a marker next to text formats it. To
//! show user text literally, [`escape`] puts an invisible U+2060 WORD JOINER
//! after every marker character, so that no marker touches the text it
//! would otherwise format. The recipient sees exactly the original characters.
//!
//! ```
//! use switchboard_whatsapp::format::{bold, escape};
//! let name = "*Ada*";
//! let text = format!("Hello {}, your order is {}", escape(name), bold("ready"));
//! assert!(text.ends_with("*ready*"));
//! assert!(!text.contains("*Ada*"));
//! ```

/// The invisible character inserted after marker characters.
pub const WORD_JOINER: char = '\u{2060}';

const MARKERS: [char; 4] = ['*', '_', '~', '`'];

/// `text` with every formatting marker neutralised, so it displays literally.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        out.push(c);
        if MARKERS.contains(&c) {
            out.push(WORD_JOINER);
        }
    }
    out
}

fn wrap(marker: &str, text: &str) -> String {
    let inner = escape(text);
    let mut out = String::with_capacity(inner.len() + 2 * marker.len());
    out.push_str(marker);
    out.push_str(&inner);
    out.push_str(marker);
    out
}

/// `*text*`, with `text` escaped.
pub fn bold(text: &str) -> String {
    wrap("*", text)
}

/// `_text_`, with `text` escaped.
pub fn italic(text: &str) -> String {
    wrap("_", text)
}

/// `~text~`, with `text` escaped.
pub fn strikethrough(text: &str) -> String {
    wrap("~", text)
}

/// ```` ```text``` ````, with `text` escaped.
pub fn monospace(text: &str) -> String {
    wrap("```", text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_broken_and_nothing_else_changes() {
        let e = escape("a*b_c~d`e é");
        assert_eq!(e.replace(WORD_JOINER, ""), "a*b_c~d`e é");
        for m in MARKERS {
            assert!(!e.contains(&format!("{m}b")) || m != '*');
        }
        assert_eq!(escape("plain text"), "plain text");
        assert!(!escape("*x*").contains("*x"));
    }

    #[test]
    fn wrappers() {
        assert_eq!(bold("hi"), "*hi*");
        assert_eq!(italic("hi"), "_hi_");
        assert_eq!(strikethrough("hi"), "~hi~");
        assert_eq!(monospace("hi"), "```hi```");
        assert_eq!(bold("*x*").replace(WORD_JOINER, ""), "**x**");
        assert!(bold("*x*").starts_with("**\u{2060}x"));
    }
}
