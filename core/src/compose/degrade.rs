//! Documented degradations: content a channel cannot express, rewritten
//! into content every channel can (numbered text the customer answers).

use crate::message::content::{ChoiceList, Content, ReplyButtons, Text};

/// The content's plain-text form, when one is documented here:
/// - reply buttons → the body, then one numbered line per button;
/// - a choice list → the body, each section's title, one numbered line per
///   choice (with its description after a dash);
/// - a location with a name or address → its name, address and coordinates.
///
/// The numbers are what the customer answers with; map them back with the
/// ids in the same order ([`choice_ids`]).
///
/// ```
/// use switchboard::compose::degrade;
/// use switchboard::{Content, ReplyButton, ReplyButtons};
/// let buttons: Content = ReplyButtons::new("Still on for 7 pm?",
///     [ReplyButton::new("yes", "Yes"), ReplyButton::new("no", "No")]).into();
/// let Some(Content::Text(t)) = degrade(&buttons) else { panic!() };
/// assert_eq!(t.body, "Still on for 7 pm?\n\n1. Yes\n2. No\n\nReply with a number.");
/// ```
pub fn degrade(content: &Content) -> Option<Content> {
    let body = match content {
        Content::ReplyButtons(b) => buttons_text(b),
        Content::ChoiceList(l) => list_text(l),
        Content::Location(l) if l.name.is_some() || l.address.is_some() => {
            let mut lines: Vec<String> = [&l.name, &l.address]
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            lines.push(format!("{}, {}", l.latitude, l.longitude));
            lines.join("\n")
        }
        _ => return None,
    };
    Some(Text::new(body).into())
}

/// The ids of the numbered lines of [`degrade`]'s text, in order: the
/// customer's answer `n` means `ids[n - 1]`.
pub fn choice_ids(content: &Content) -> Vec<String> {
    match content {
        Content::ReplyButtons(b) => b.buttons.iter().map(|b| b.id.clone()).collect(),
        Content::ChoiceList(l) => l
            .sections
            .iter()
            .flat_map(|s| &s.rows)
            .map(|r| r.id.clone())
            .collect(),
        _ => Vec::new(),
    }
}

fn with_header_footer(header: Option<&str>, middle: String, footer: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(header.map(str::to_string));
    parts.push(middle);
    parts.extend(footer.map(str::to_string));
    parts.join("\n\n")
}

fn buttons_text(b: &ReplyButtons) -> String {
    let lines: Vec<String> = b
        .buttons
        .iter()
        .enumerate()
        .map(|(i, button)| format!("{}. {}", i + 1, button.title))
        .collect();
    let middle = format!("{}\n\n{}\n\nReply with a number.", b.body, lines.join("\n"));
    with_header_footer(b.header.as_deref(), middle, b.footer.as_deref())
}

fn list_text(l: &ChoiceList) -> String {
    let mut lines = Vec::new();
    let mut n = 0;
    for section in &l.sections {
        if let Some(title) = &section.title {
            lines.push(title.clone());
        }
        for row in &section.rows {
            n += 1;
            lines.push(match &row.description {
                Some(d) => format!("{n}. {} — {d}", row.title),
                None => format!("{n}. {}", row.title),
            });
        }
    }
    let middle = format!("{}\n\n{}\n\nReply with a number.", l.body, lines.join("\n"));
    with_header_footer(l.header.as_deref(), middle, l.footer.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::content::{Choice, ChoiceSection, Location, Media};

    #[test]
    fn a_choice_list_becomes_numbered_text_and_its_ids_map_back() {
        let list: Content = ChoiceList::new(
            "Which slot?",
            "Slots",
            [
                ChoiceSection::new([Choice::new("am", "Morning").description("8 to 12")])
                    .title("Tomorrow"),
                ChoiceSection::new([Choice::new("pm", "Evening")]),
            ],
        )
        .header("Booking")
        .into();
        let Some(Content::Text(t)) = degrade(&list) else {
            panic!()
        };
        assert_eq!(
            t.body,
            "Booking\n\nWhich slot?\n\nTomorrow\n1. Morning — 8 to 12\n2. Evening\n\nReply with a number."
        );
        assert_eq!(choice_ids(&list), ["am", "pm"]);
    }

    #[test]
    fn a_named_place_becomes_text_and_media_has_no_degradation() {
        let place: Content = Location::new(1.5, 2.5)
            .name("Shop")
            .address("Main St 1")
            .into();
        let Some(Content::Text(t)) = degrade(&place) else {
            panic!()
        };
        assert_eq!(t.body, "Shop\nMain St 1\n1.5, 2.5");
        assert!(degrade(&Location::new(1.0, 2.0).into()).is_none());
        assert!(degrade(&Media::image_url("https://example.com/a.png").into()).is_none());
    }
}
