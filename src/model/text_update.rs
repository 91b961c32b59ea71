//! Writing a text field's new value into an Automerge text as only what changed.
//!
//! A field reports its whole value after each keystroke. `autosurgeon::Text::update`
//! diffs the whole old value against the new one grapheme by grapheme: about 17 ms a
//! keystroke in a 100,000-character text (`cargo xtask bench`). A keystroke, a paste or a
//! cut changes one run of characters, so the common start and end are found by comparing
//! bytes first, and only what lies between them is diffed. The text that results is the
//! same, and characters outside the changed run are kept, so someone else's concurrent
//! typing there survives the merge. (Where an edit is ambiguous, "aab" to "aaab", the
//! character is inserted after the common start rather than where a whole diff would put
//! it: the same text, with concurrent edits around it merged as they would be with a
//! caret there.)
//!
//! ```
//! use autosurgeon::Text;
//! use throughline::model::TextUpdate;
//! let mut text = Text::with_value("We grow together.");
//! text.update_changed("We grow fast together.");
//! assert_eq!(text.as_str(), "We grow fast together.");
//! ```

use autosurgeon::Text;

/// The one method: see the module's comment.
pub trait TextUpdate {
    /// Makes the text read `value`, splicing in only the characters that differ.
    fn update_changed(&mut self, value: &str);
}

impl TextUpdate for Text {
    fn update_changed(&mut self, value: &str) {
        let old = self.as_str();
        let (start, old_end, new_end) = changed_run(old, value);
        let (removed, inserted) = (&old[start..old_end], &value[start..new_end]);
        if removed.is_empty() && inserted.is_empty() {
            return;
        }
        if removed.is_empty() || inserted.is_empty() {
            // Typing or deleting: one splice.
            let removed = removed.len() as isize;
            self.splice(start, removed, inserted);
            return;
        }
        // A replacement (a paste over a selection, or text rebased over someone else's
        // typing): diffed by graphemes as `Text::update` would, but only over the run.
        let removed = removed.to_owned();
        let mut at = start;
        for change in
            similar::TextDiff::from_graphemes(removed.as_str(), inserted).iter_all_changes()
        {
            let part = change.value();
            match change.tag() {
                similar::ChangeTag::Delete => self.splice(at, part.len() as isize, ""),
                similar::ChangeTag::Insert => {
                    self.splice(at, 0, part);
                    at += part.len();
                }
                similar::ChangeTag::Equal => at += part.len(),
            }
        }
    }
}

/// Where `old` and `new` differ, in bytes on character boundaries: the run
/// `old[start..old_end]` became `new[start..new_end]`.
fn changed_run(old: &str, new: &str) -> (usize, usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !(old.is_char_boundary(start) && new.is_char_boundary(start)) {
        start -= 1;
    }
    let most = a.len().min(b.len()) - start;
    let mut end = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(most)
        .take_while(|(x, y)| x == y)
        .count();
    while !(old.is_char_boundary(a.len() - end) && new.is_char_boundary(b.len() - end)) {
        end -= 1;
    }
    (start, a.len() - end, b.len() - end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use autosurgeon::{hydrate_prop, reconcile_prop};

    /// Writes `before`, changes it to `after` through a hydrated text, and returns what
    /// the document then holds, with the edits made.
    fn through_document(before: &str, after: &str) -> String {
        let mut doc = automerge::AutoCommit::new();
        reconcile_prop(&mut doc, automerge::ROOT, "text", Text::with_value(before))
            .expect("written");
        let mut text: Text = hydrate_prop(&doc, automerge::ROOT, "text").expect("read");
        text.update_changed(after);
        assert_eq!(text.as_str(), after);
        reconcile_prop(&mut doc, automerge::ROOT, "text", &text).expect("changed");
        let read: Text = hydrate_prop(&doc, automerge::ROOT, "text").expect("read");
        read.as_str().to_owned()
    }

    #[test]
    fn typing_deleting_and_replacing_reach_the_document() {
        for (before, after) in [
            ("", "a"),
            ("abc", "abxc"),
            ("abc", "ac"),
            ("abc", "abc"),
            ("abc", ""),
            ("aaaa", "aaa"),
            ("aaa", "aaaa"),
            ("We grow.", "We grow fast, and well."),
            ("one two three", "one 2 three"),
            ("naïve café", "naïve cafe"),
            ("naïve", "naive"),
            ("日本語", "日本人語"),
            ("emoji 👍🏽 here", "emoji 👍 here"),
            ("e\u{301}", "e"),
            ("ab", "a😀b"),
        ] {
            assert_eq!(
                through_document(before, after),
                after,
                "{before:?} → {after:?}"
            );
        }
    }

    #[test]
    fn the_changed_run_lies_on_character_boundaries() {
        // "é" and "è" share their first byte: the run must start before it.
        assert_eq!(changed_run("é", "è"), (0, 2, 2));
        assert_eq!(changed_run("xé", "xè"), (1, 3, 3));
        // "😀" and "😁" share three of their four bytes at the start.
        assert_eq!(changed_run("a😀b", "a😁b"), (1, 5, 5));
        assert_eq!(changed_run("aaaa", "aaa"), (3, 4, 3));
        assert_eq!(changed_run("same", "same"), (4, 4, 4));
    }

    #[test]
    fn a_keystroke_keeps_someone_else_s_concurrent_typing_elsewhere() {
        let mut doc = automerge::AutoCommit::new();
        reconcile_prop(
            &mut doc,
            automerge::ROOT,
            "text",
            Text::with_value("We grow."),
        )
        .expect("written");
        let mut other = doc.fork();
        let mut theirs: Text = hydrate_prop(&other, automerge::ROOT, "text").expect("read");
        theirs.update_changed("Together we grow.");
        reconcile_prop(&mut other, automerge::ROOT, "text", &theirs).expect("theirs");
        let mut mine: Text = hydrate_prop(&doc, automerge::ROOT, "text").expect("read");
        mine.update_changed("We grow!");
        reconcile_prop(&mut doc, automerge::ROOT, "text", &mine).expect("mine");
        doc.merge(&mut other).expect("merged");
        let merged: Text = hydrate_prop(&doc, automerge::ROOT, "text").expect("read");
        assert_eq!(merged.as_str(), "Together we grow!");
    }
}
