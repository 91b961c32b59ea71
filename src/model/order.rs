//! Explicit order for items kept in maps. Each item carries a `position`; moving an item
//! gives it a position between its new neighbours, so a move is one field written and two
//! people moving different items at once both keep their moves.
//!
//! ```
//! use throughline::model::order::position_between;
//! assert_eq!(position_between(Some(1.0), Some(2.0)), Some(1.5));
//! assert_eq!(position_between(None, None), Some(1.0));
//! ```

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

/// Places the item at `from` (an index in `positions`, sorted) at index `to` of the list
/// without it, and returns its new position, or `None` if the list must be renumbered.
pub fn moved_position(positions: &[f64], from: usize, to: usize) -> Option<f64> {
    let others: Vec<f64> = positions
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != from)
        .map(|(_, p)| *p)
        .collect();
    let to = to.min(others.len());
    let before = to.checked_sub(1).map(|i| others[i]);
    let after = others.get(to).copied();
    position_between(before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_between_neighbours() {
        let positions = [1.0, 2.0, 3.0];
        assert_eq!(moved_position(&positions, 0, 2), Some(4.0));
        assert_eq!(moved_position(&positions, 2, 0), Some(0.0));
        assert_eq!(moved_position(&positions, 0, 1), Some(2.5));
        assert_eq!(position_between(Some(1.0), Some(1.0)), None);
    }
}
