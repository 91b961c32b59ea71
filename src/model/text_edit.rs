//! Typing into text that someone else is changing at the same moment.
//!
//! A text field reports its whole new value after each keystroke. If another person's
//! typing reached the document after the field last showed it, diffing the field against
//! the document would undo their typing. Instead the keystroke is taken as a splice of
//! what the field showed, and moved over the other person's change before it is applied.
//!
//! ```
//! use throughline::model::rebase_typing;
//! // The field showed "We grow.", the person typed "!" at the end, and meanwhile the
//! // document gained "Together " at the start.
//! let intended = rebase_typing("We grow.", "We grow.!", "Together We grow.");
//! assert_eq!(intended, "Together We grow.!");
//! ```

/// A change from one text to another: at `start`, `removed` characters became `inserted`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Splice {
    start: usize,
    removed: usize,
    inserted: Vec<char>,
}

/// The smallest single splice turning `from` into `to` (common prefix and suffix kept).
fn splice_between(from: &[char], to: &[char]) -> Splice {
    let prefix = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    let max_suffix = from.len().min(to.len()) - prefix;
    let suffix = from
        .iter()
        .rev()
        .zip(to.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    Splice {
        start: prefix,
        removed: from.len() - prefix - suffix,
        inserted: to[prefix..to.len() - suffix].to_vec(),
    }
}

/// The document text that applies what the person typed (`shown` became `typed` in their
/// field) on top of `document`, which may hold others' changes the field did not show yet.
/// Others' text is never removed by it.
pub fn rebase_typing(shown: &str, typed: &str, document: &str) -> String {
    if shown == document {
        return typed.to_owned();
    }
    let shown: Vec<char> = shown.chars().collect();
    let typed: Vec<char> = typed.chars().collect();
    let document: Vec<char> = document.chars().collect();
    let local = splice_between(&shown, &typed);
    let remote = splice_between(&shown, &document);
    let (local_start, local_end) = (local.start, local.start + local.removed);
    let (remote_start, remote_end) = (remote.start, remote.start + remote.removed);
    // Where a position of the shown text after the other change lies in the document.
    let after_remote = |position: usize| position + remote.inserted.len() - remote.removed;

    // What this person deleted, except what the other change already replaced.
    let mut cuts = Vec::new();
    if local_start < remote_start {
        cuts.push(local_start..local_end.min(remote_start));
    }
    if local_end > remote_end {
        cuts.push(after_remote(local_start.max(remote_end))..after_remote(local_end));
    }
    let insert_at = if local_start <= remote_start {
        local_start
    } else if local_start >= remote_end {
        after_remote(local_start)
    } else {
        // Inside the other change: right after it, so neither text splits the other.
        remote_start + remote.inserted.len()
    };

    let mut out = String::with_capacity(document.len() + local.inserted.len());
    for (index, c) in document.iter().enumerate() {
        if index == insert_at {
            out.extend(&local.inserted);
        }
        if !cuts.iter().any(|cut| cut.contains(&index)) {
            out.push(*c);
        }
    }
    if insert_at >= document.len() {
        out.extend(&local.inserted);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rebase_typing;

    #[test]
    fn typing_on_an_up_to_date_field_is_taken_as_typed() {
        assert_eq!(rebase_typing("abc", "abXc", "abc"), "abXc");
    }

    #[test]
    fn typing_before_or_after_someone_elses_change_keeps_both() {
        assert_eq!(
            rebase_typing("We grow.", "Together We grow.", "We grow. Every season."),
            "Together We grow. Every season."
        );
        assert_eq!(
            rebase_typing("We grow.", "We grow!", "Yes, we grow."),
            "Yes, we grow!"
        );
    }

    #[test]
    fn deleting_never_removes_someone_elses_text() {
        // The field showed "abcdef"; the person deleted "cd"; meanwhile "XY" was typed
        // between c and d by someone else: c and d go, XY stays.
        assert_eq!(rebase_typing("abcdef", "abef", "abcXYdef"), "abXYef");
        // They replaced "cd" with "Q" while someone else replaced "de" with "Z".
        assert_eq!(rebase_typing("abcdef", "abQef", "abcZf"), "abQZf");
    }

    #[test]
    fn characters_beyond_ascii_are_counted_as_characters() {
        assert_eq!(
            rebase_typing("déjà vu", "déjà vu!", "« déjà vu"),
            "« déjà vu!"
        );
    }
}
