//! Explicit order for items kept in maps. Each item carries a `position`; moving an item
//! gives it a position between its new neighbours, so a move is one field written and two
//! people moving different items at once both keep their moves.
//!
//! ```
//! use std::collections::BTreeMap;
//! use throughline::model::order::{move_among, position_after_last, position_between};
//! use throughline::model::plan::Goal;
//! assert_eq!(position_between(Some(1.0), Some(2.0)), Some(1.5));
//! assert_eq!(position_between(None, None), Some(1.0));
//!
//! let goal = |position| Goal { position, ..Goal::default() };
//! let mut goals = BTreeMap::from([("a", goal(1.0)), ("b", goal(2.0))]);
//! goals.insert("c", goal(position_after_last(goals.values())));
//! move_among(&mut goals, &["a", "b", "c"], &"c", 0).unwrap();
//! assert_eq!(goals["c"].position, 0.0); // before "a": c, a, b
//! ```

use std::collections::BTreeMap;

use crate::model::{plan, review};

/// An item kept in order by its `position` (lower first; ties by id).
pub trait Positioned {
    fn position(&self) -> f64;
    fn set_position(&mut self, position: f64);
}

/// Every type of item kept in order: each has a `position: f64` field.
macro_rules! positioned {
    ($($item:ty),* $(,)?) => {
        $(impl Positioned for $item {
            fn position(&self) -> f64 {
                self.position
            }
            fn set_position(&mut self, position: f64) {
                self.position = position;
            }
        })*
    };
}

positioned!(
    plan::Goal,
    plan::Objective,
    plan::Initiative,
    plan::Measure,
    plan::SwotItem,
    plan::PestleFactor,
    review::ReviewGoal,
    review::DevelopmentAction,
);

/// The item to move is not in the map (someone removed it since the page showed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gone;

/// Items sorted by position, then key: the same order on every device, whatever order
/// the map's entries came in (two items at one position are ordered by their ids).
pub fn in_order<'a, K: Ord + 'a, T: Positioned + 'a>(
    items: impl IntoIterator<Item = (&'a K, &'a T)>,
) -> Vec<(&'a K, &'a T)> {
    let mut items: Vec<_> = items.into_iter().collect();
    items.sort_by(|(a_key, a), (b_key, b)| {
        a.position()
            .total_cmp(&b.position())
            .then_with(|| a_key.cmp(b_key))
    });
    items
}

/// A position between `before` and `after` (either may be absent: start or end of the
/// list). `None` when the gap is too small to split: renumber the list first.
pub fn position_between(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    let position = match (before, after) {
        (None, None) => 1.0,
        (Some(b), None) => b.floor() + 1.0,
        (None, Some(a)) => a.floor() - 1.0,
        (Some(b), Some(a)) => (b + a) / 2.0,
    };
    let fits = before.is_none_or(|b| position > b) && after.is_none_or(|a| position < a);
    fits.then_some(position)
}

/// The position of an item added at the end of `items` (1 for an empty list): the next
/// whole number after the last position. (Lists used to work this out two ways, the
/// largest of 0 and the last plus 1, or the whole part of the last plus 1; both put the
/// item last, so the order a person sees is the same.)
pub fn position_after_last<'a, T: Positioned + 'a>(items: impl IntoIterator<Item = &'a T>) -> f64 {
    let last = items
        .into_iter()
        .map(Positioned::position)
        .filter(|p| !p.is_nan())
        .reduce(f64::max);
    // Past 2^53 there is no next whole number: the new item ties with the last, and ties
    // go by id.
    position_between(last, None).unwrap_or_else(|| last.unwrap_or(1.0))
}

/// Moves the item `id` of `items` to index `to` (at most the end) of the list `siblings`
/// (ids in order; when `id` is not among them, as when it comes from another parent, it
/// joins them). The item gets a position between its new neighbours, so only it is
/// written. When there is no room between them, the list in its new order is renumbered
/// 1, 2, 3… once, and every item of it is written.
///
/// Renumbering used to happen two ways (a plan renumbered the old order and then split a
/// gap; a review renumbered the new order). Both end in the same order and both write
/// every sibling's position, so keeping one changes nothing a person sees, and two
/// people renumbering at once meet the same conflicts as before (each position is one
/// field, whose conflicting writes Automerge settles the same way on every device, and
/// equal positions are ordered by id).
pub fn move_among<K: Ord, T: Positioned>(
    items: &mut BTreeMap<K, T>,
    siblings: &[K],
    id: &K,
    to: usize,
) -> Result<(), Gone> {
    if !items.contains_key(id) {
        return Err(Gone);
    }
    let others: Vec<&K> = siblings
        .iter()
        .filter(|s| *s != id && items.contains_key(s))
        .collect();
    let to = to.min(others.len());
    let position_of = |key: &K| items.get(key).map(Positioned::position);
    let before = to.checked_sub(1).and_then(|i| position_of(others[i]));
    let after = others.get(to).and_then(|key| position_of(key));
    if let Some(position) = position_between(before, after) {
        if let Some(item) = items.get_mut(id) {
            item.set_position(position);
        }
        return Ok(());
    }
    let mut order = others;
    order.insert(to, id);
    for (index, key) in order.into_iter().enumerate() {
        if let Some(item) = items.get_mut(key) {
            item.set_position(index as f64 + 1.0);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_between_neighbours() {
        let start = items(&[('a', 1.0), ('b', 2.0), ('c', 3.0)]);
        for (id, to, position) in [('a', 2, 4.0), ('c', 0, 0.0), ('a', 1, 2.5)] {
            let mut list = start.clone();
            move_to(&mut list, id, to).unwrap();
            assert_eq!(list[&id], Item(position), "{id} to {to}");
        }
        assert_eq!(position_between(Some(1.0), Some(1.0)), None);
    }

    /// An item with just a position, keyed by a letter.
    #[derive(Debug, Clone, PartialEq)]
    struct Item(f64);

    impl Positioned for Item {
        fn position(&self) -> f64 {
            self.0
        }
        fn set_position(&mut self, position: f64) {
            self.0 = position;
        }
    }

    fn items(positions: &[(char, f64)]) -> BTreeMap<char, Item> {
        positions.iter().map(|(k, p)| (*k, Item(*p))).collect()
    }

    /// The keys by position, then key (the order every list shows).
    fn order(items: &BTreeMap<char, Item>) -> String {
        let mut keys: Vec<_> = items.iter().collect();
        keys.sort_by(|(ka, a), (kb, b)| a.0.total_cmp(&b.0).then(ka.cmp(kb)));
        keys.into_iter().map(|(k, _)| *k).collect()
    }

    /// Moves `id` to index `to` of the whole list.
    fn move_to(items: &mut BTreeMap<char, Item>, id: char, to: usize) -> Result<(), Gone> {
        let siblings: Vec<char> = order(items).chars().collect();
        move_among(items, &siblings, &id, to)
    }

    #[test]
    fn moves_to_the_start_middle_and_end_writing_only_the_item() {
        let mut list = items(&[('a', 1.0), ('b', 2.0), ('c', 3.0)]);
        move_to(&mut list, 'c', 0).unwrap();
        assert_eq!(order(&list), "cab");
        assert_eq!(list[&'c'], Item(0.0));

        move_to(&mut list, 'c', 1).unwrap();
        assert_eq!(order(&list), "acb");
        assert_eq!(list[&'c'], Item(1.5));

        move_to(&mut list, 'a', 2).unwrap();
        assert_eq!(order(&list), "cba");
        assert_eq!(list[&'a'], Item(3.0));
        assert_eq!(
            (list[&'b'].clone(), list[&'c'].clone()),
            (Item(2.0), Item(1.5)),
            "the others keep their positions"
        );

        move_to(&mut list, 'c', 99).unwrap();
        assert_eq!(order(&list), "bac", "past the end is the end");
    }

    #[test]
    fn renumbers_once_when_there_is_no_room() {
        // Two items added at once on two devices share a position: nothing fits between.
        let mut list = items(&[('a', 1.0), ('b', 2.0), ('c', 2.0), ('d', 3.0)]);
        move_to(&mut list, 'd', 2).unwrap();
        assert_eq!(order(&list), "abdc");
        let positions: Vec<f64> = "abdc".chars().map(|k| list[&k].0).collect();
        assert_eq!(positions, vec![1.0, 2.0, 3.0, 4.0]);

        // Many moves into the same gap keep a strict order.
        for _ in 0..200 {
            move_to(&mut list, 'c', 1).unwrap();
            move_to(&mut list, 'd', 1).unwrap();
        }
        assert_eq!(order(&list), "adcb");
    }

    #[test]
    fn an_item_from_another_list_joins_this_one() {
        let mut list = items(&[('a', 1.0), ('b', 2.0), ('x', 7.0)]);
        move_among(&mut list, &['a', 'b'], &'x', 1).unwrap();
        assert_eq!(list[&'x'], Item(1.5));
        move_among(&mut list, &['a', 'b'], &'x', 5).unwrap();
        assert_eq!(list[&'x'], Item(3.0), "at the end of this list");
    }

    #[test]
    fn a_missing_item_is_gone_and_nothing_moves() {
        let mut list = items(&[('a', 1.0), ('b', 1.0)]);
        let before = list.clone();
        assert_eq!(move_among(&mut list, &['a', 'b', 'z'], &'z', 0), Err(Gone));
        assert_eq!(list, before);
    }

    #[test]
    fn an_added_item_goes_after_the_last() {
        assert_eq!(position_after_last::<Item>([]), 1.0);
        let list = items(&[('a', -2.0), ('b', 2.5)]);
        assert_eq!(position_after_last(list.values()), 3.0);
        let list = items(&[('a', -2.0)]);
        assert_eq!(position_after_last(list.values()), -1.0);
    }
}
