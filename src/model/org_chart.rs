//! The organisation chart: everyone under the person they report to.
//!
//! The chart is a list of rows in reading order (a manager, then everyone under them,
//! then the manager's next colleague), each with its depth, so a page can nest it without
//! recursion and a long reporting line cannot exhaust the stack. Colleagues are ordered as
//! [`Workspace::people_by_name`] orders them (name, then id, so namesakes keep the same
//! order on every device).
//!
//! Everyone appears exactly once, whatever concurrent edits left behind: a person whose
//! manager was removed, and one person of each reporting loop (A reports to B while B
//! reports to A, written by two devices at once), are put at the top level with a
//! [`TopLevelReason`] to say why.
//!
//! ```
//! use throughline::model::org_chart::OrgChart;
//! use throughline::model::{PersonDetails, PersonId, Workspace};
//!
//! let mut ws = Workspace::new("Acme");
//! let (ana, bo, cy) = (PersonId::random(), PersonId::random(), PersonId::random());
//! let person = |name: &str, manager: Option<&PersonId>| PersonDetails {
//!     name: name.to_owned(),
//!     manager: manager.cloned(),
//!     ..PersonDetails::default()
//! };
//! ws.add_person(ana.clone(), person("Ana Lima", None)).unwrap();
//! ws.add_person(cy.clone(), person("Cy Diaz", Some(&ana))).unwrap();
//! ws.add_person(bo.clone(), person("Bo Chen", Some(&ana))).unwrap();
//!
//! let chart = OrgChart::of(&ws);
//! let outline: Vec<(usize, &str)> = chart
//!     .rows
//!     .iter()
//!     .map(|row| (row.depth, ws.people[&row.id].name.as_str()))
//!     .collect();
//! assert_eq!(outline, [(0, "Ana Lima"), (1, "Bo Chen"), (1, "Cy Diaz")]);
//! assert_eq!(chart.rows[0].direct_reports, 2);
//! assert!(chart.rows.iter().all(|row| row.top_level.is_none()));
//! ```

use std::collections::HashMap;

use super::{PersonId, Workspace};

/// Everyone in the workspace, under the person they report to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgChart {
    /// Every person once, in reading order: each person is followed by everyone under
    /// them (depth one more for a direct report), before the next person at their depth.
    pub rows: Vec<OrgRow>,
}

/// One person in the chart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgRow {
    pub id: PersonId,
    /// 0 at the top level, 1 for their direct reports, and so on.
    pub depth: usize,
    /// How many people are shown directly under this person.
    pub direct_reports: usize,
    /// Why this person is at the top level although they have a manager (`None` for
    /// everyone else, including people with no manager).
    pub top_level: Option<TopLevelReason>,
}

/// Why someone who has a manager is shown at the top level of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TopLevelReason {
    /// Their manager is no longer in the workspace (removed, perhaps on another device).
    ManagerGone,
    /// They are in a reporting loop (concurrent edits on two devices can make one): `loop_`
    /// is the loop from this person upwards, this person first and again last
    /// (A → B → A), so the others of the loop appear under them.
    ReportingLoop { loop_: Vec<PersonId> },
}

impl TopLevelReason {
    /// The reason in a sentence, for a muted note beside the person.
    pub fn note(&self, ws: &Workspace) -> String {
        match self {
            Self::ManagerGone => {
                "Shown at the top: the person they reported to is no longer here.".to_owned()
            }
            Self::ReportingLoop { loop_ } => {
                let names: Vec<String> = loop_.iter().map(|id| ws.name_of(id)).collect();
                format!(
                    "Shown at the top: they are in a reporting loop ({}). Choose another manager for one of them.",
                    names.join(" → ")
                )
            }
        }
    }
}

impl OrgChart {
    /// The chart of everyone in `ws`.
    pub fn of(ws: &Workspace) -> Self {
        let people = ws.people_by_name();
        let index: HashMap<&PersonId, usize> = people
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        // Each person's manager as an index, when that manager is here.
        let manager: Vec<Option<usize>> = people
            .iter()
            .map(|(_, person)| person.manager.as_ref().and_then(|m| index.get(m).copied()))
            .collect();
        // Everyone's direct reports, in name order (people are visited in name order).
        let mut reports: Vec<Vec<usize>> = vec![Vec::new(); people.len()];
        for (i, m) in manager.iter().enumerate() {
            if let Some(m) = m {
                reports[*m].push(i);
            }
        }

        let mut top: Vec<(usize, Option<TopLevelReason>)> = Vec::new();
        for (i, (_, person)) in people.iter().enumerate() {
            match (&person.manager, manager[i]) {
                (None, _) => top.push((i, None)),
                (Some(_), None) => top.push((i, Some(TopLevelReason::ManagerGone))),
                (Some(_), Some(_)) => {}
            }
        }
        let mut placed = vec![false; people.len()];
        for (root, _) in &top {
            mark_under(*root, &reports, &mut placed);
        }

        // Whoever is still not placed is in a loop, or under one. Walk up from each until
        // the walk meets itself: that is the loop. Its first person by name goes to the
        // top, and the rest of the loop (and everyone under it) hangs below them.
        // Which walk last passed each person (the walk from `start` is `start + 1`).
        let mut on_walk = vec![0; people.len()];
        for start in 0..people.len() {
            if placed[start] {
                continue;
            }
            let mut walk: Vec<usize> = Vec::new();
            let mut current = start;
            let loop_start = loop {
                if on_walk[current] == start + 1 {
                    break walk.iter().position(|&p| p == current);
                }
                on_walk[current] = start + 1;
                walk.push(current);
                match manager[current] {
                    Some(m) if !placed[m] => current = m,
                    // Unreachable: an unplaced person's manager is here and unplaced.
                    _ => break None,
                }
            };
            let members = match loop_start {
                Some(at) => &walk[at..],
                None => &walk[walk.len() - 1..],
            };
            // Indices follow name order, so the smallest is the first by name.
            let Some(&first) = members.iter().min() else {
                continue;
            };
            let at = members.iter().position(|&p| p == first).unwrap_or(0);
            // From `first` upwards: first, their manager, … back to first.
            let mut loop_ids: Vec<PersonId> = members[at..]
                .iter()
                .chain(&members[..at])
                .map(|&p| people[p].0.clone())
                .collect();
            loop_ids.push(people[first].0.clone());
            top.push((
                first,
                Some(TopLevelReason::ReportingLoop { loop_: loop_ids }),
            ));
            mark_under(first, &reports, &mut placed);
        }
        top.sort_by_key(|(i, _)| *i);

        // Reading order, with an explicit stack: a person, then everyone under them.
        let mut rows = Vec::with_capacity(people.len());
        let mut shown = vec![false; people.len()];
        let mut stack: Vec<(usize, usize, Option<TopLevelReason>)> = Vec::new();
        for (i, reason) in top.into_iter().rev() {
            shown[i] = true;
            stack.push((i, 0, reason));
        }
        while let Some((i, depth, top_level)) = stack.pop() {
            // A report already shown is the top of a loop: it is not shown twice.
            let under: Vec<usize> = reports[i].iter().copied().filter(|&r| !shown[r]).collect();
            for &r in &under {
                shown[r] = true;
            }
            rows.push(OrgRow {
                id: people[i].0.clone(),
                depth,
                direct_reports: under.len(),
                top_level,
            });
            for &r in under.iter().rev() {
                stack.push((r, depth + 1, None));
            }
        }
        Self { rows }
    }

    /// How many people are shown at the top level.
    pub fn top_level_count(&self) -> usize {
        self.rows.iter().filter(|row| row.depth == 0).count()
    }
}

/// Marks `root` and everyone under them, without recursion.
fn mark_under(root: usize, reports: &[Vec<usize>], placed: &mut [bool]) {
    let mut stack = vec![root];
    while let Some(i) = stack.pop() {
        if placed[i] {
            continue;
        }
        placed[i] = true;
        stack.extend(reports[i].iter().copied().filter(|&r| !placed[r]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Person, PersonDetails};

    fn add(ws: &mut Workspace, name: &str, manager: Option<&PersonId>) -> PersonId {
        let id = PersonId::random();
        ws.add_person(
            id.clone(),
            PersonDetails {
                name: name.to_owned(),
                manager: manager.cloned(),
                ..PersonDetails::default()
            },
        )
        .expect("a valid person");
        id
    }

    /// Writes a manager without the workspace's checks, as a concurrent edit merged from
    /// another device can leave it.
    fn set_manager(ws: &mut Workspace, id: &PersonId, manager: Option<&PersonId>) {
        let person: &mut Person = ws.people.get_mut(id).expect("the person");
        person.manager = manager.cloned();
    }

    fn outline(ws: &Workspace, chart: &OrgChart) -> Vec<(usize, String)> {
        chart
            .rows
            .iter()
            .map(|row| (row.depth, ws.name_of(&row.id)))
            .collect()
    }

    fn everyone_once(ws: &Workspace, chart: &OrgChart) {
        let mut ids: Vec<&PersonId> = chart.rows.iter().map(|row| &row.id).collect();
        ids.sort();
        let mut expected: Vec<&PersonId> = ws.people.keys().collect();
        expected.sort();
        assert_eq!(ids, expected, "everyone exactly once");
    }

    #[test]
    fn an_empty_workspace_has_an_empty_chart() {
        let chart = OrgChart::of(&Workspace::new("Acme"));
        assert!(chart.rows.is_empty());
        assert_eq!(chart.top_level_count(), 0);
    }

    #[test]
    fn people_are_nested_under_their_managers_by_name() {
        let mut ws = Workspace::new("Acme");
        let zoe = add(&mut ws, "zoe Young", None);
        let ana = add(&mut ws, "Ana Lima", None);
        let dev = add(&mut ws, "Dev Rao", Some(&ana));
        add(&mut ws, "bo Chen", Some(&ana));
        add(&mut ws, "Eve Kim", Some(&dev));
        add(&mut ws, "Cy Diaz", Some(&zoe));
        let chart = OrgChart::of(&ws);
        assert_eq!(
            outline(&ws, &chart),
            [
                (0, "Ana Lima".to_owned()),
                (1, "bo Chen".to_owned()),
                (1, "Dev Rao".to_owned()),
                (2, "Eve Kim".to_owned()),
                (0, "zoe Young".to_owned()),
                (1, "Cy Diaz".to_owned()),
            ]
        );
        let reports: Vec<usize> = chart.rows.iter().map(|r| r.direct_reports).collect();
        assert_eq!(reports, [2, 0, 1, 0, 1, 0]);
        assert_eq!(chart.top_level_count(), 2);
        assert!(chart.rows.iter().all(|row| row.top_level.is_none()));
    }

    #[test]
    fn a_deep_chain_is_built_without_recursion() {
        let mut ws = Workspace::new("Acme");
        let mut above = add(&mut ws, "Person 0", None);
        // Written directly: the form's loop check walks the whole line on each addition.
        for n in 1..5_000 {
            let id = PersonId::random();
            let person = Person {
                name: format!("Person {n}"),
                manager: Some(above),
                ..Person::default()
            };
            ws.people.insert(id.clone(), person);
            above = id;
        }
        let chart = OrgChart::of(&ws);
        everyone_once(&ws, &chart);
        for (n, row) in chart.rows.iter().enumerate() {
            assert_eq!(row.depth, n);
            assert_eq!(ws.name_of(&row.id), format!("Person {n}"));
            assert_eq!(row.direct_reports, usize::from(n + 1 < 5_000));
        }
    }

    #[test]
    fn a_reporting_loop_is_broken_at_its_first_person_by_name() {
        let mut ws = Workspace::new("Acme");
        let bo = add(&mut ws, "Bo Chen", None);
        let ana = add(&mut ws, "Ana Lima", None);
        add(&mut ws, "Cy Diaz", Some(&bo));
        // Two devices at once: Ana now reports to Bo, and Bo to Ana.
        set_manager(&mut ws, &ana, Some(&bo));
        set_manager(&mut ws, &bo, Some(&ana));
        let chart = OrgChart::of(&ws);
        everyone_once(&ws, &chart);
        assert_eq!(
            outline(&ws, &chart),
            [
                (0, "Ana Lima".to_owned()),
                (1, "Bo Chen".to_owned()),
                (2, "Cy Diaz".to_owned()),
            ]
        );
        assert_eq!(
            chart.rows[0].top_level,
            Some(TopLevelReason::ReportingLoop {
                loop_: vec![ana.clone(), bo.clone(), ana.clone()]
            })
        );
        assert_eq!(
            chart.rows[0].top_level.as_ref().map(|r| r.note(&ws)),
            Some("Shown at the top: they are in a reporting loop (Ana Lima → Bo Chen → Ana Lima). Choose another manager for one of them.".to_owned())
        );
        // Bo's report shown under him is Cy; Ana, at the top, is not shown again.
        assert_eq!(chart.rows[1].direct_reports, 1);
        assert_eq!(chart.rows[0].direct_reports, 1);
    }

    #[test]
    fn a_longer_loop_and_someone_under_it_appear_once() {
        let mut ws = Workspace::new("Acme");
        let a = add(&mut ws, "A", None);
        let b = add(&mut ws, "B", Some(&a));
        let c = add(&mut ws, "C", Some(&b));
        add(&mut ws, "D", Some(&c));
        add(&mut ws, "Root", None);
        set_manager(&mut ws, &a, Some(&c));
        let chart = OrgChart::of(&ws);
        everyone_once(&ws, &chart);
        assert_eq!(
            outline(&ws, &chart),
            [
                (0, "A".to_owned()),
                (1, "B".to_owned()),
                (2, "C".to_owned()),
                (3, "D".to_owned()),
                (0, "Root".to_owned()),
            ]
        );
        assert_eq!(
            chart.rows[0].top_level,
            Some(TopLevelReason::ReportingLoop {
                loop_: vec![a.clone(), c.clone(), b.clone(), a.clone()]
            })
        );
    }

    #[test]
    fn someone_who_is_their_own_manager_is_at_the_top() {
        let mut ws = Workspace::new("Acme");
        let ana = add(&mut ws, "Ana Lima", None);
        set_manager(&mut ws, &ana, Some(&ana));
        let chart = OrgChart::of(&ws);
        assert_eq!(outline(&ws, &chart), [(0, "Ana Lima".to_owned())]);
        assert_eq!(chart.rows[0].direct_reports, 0);
        assert!(matches!(
            chart.rows[0].top_level,
            Some(TopLevelReason::ReportingLoop { .. })
        ));
    }

    #[test]
    fn someone_whose_manager_is_gone_is_at_the_top_with_their_reports() {
        let mut ws = Workspace::new("Acme");
        let ana = add(&mut ws, "Ana Lima", None);
        let bo = add(&mut ws, "Bo Chen", Some(&ana));
        add(&mut ws, "Cy Diaz", Some(&bo));
        // Another device removed Ana while this one still had Bo reporting to her.
        ws.people.remove(&ana);
        let chart = OrgChart::of(&ws);
        everyone_once(&ws, &chart);
        assert_eq!(
            outline(&ws, &chart),
            [(0, "Bo Chen".to_owned()), (1, "Cy Diaz".to_owned())]
        );
        assert_eq!(chart.rows[0].top_level, Some(TopLevelReason::ManagerGone));
        assert_eq!(
            chart.rows[0].top_level.as_ref().map(|r| r.note(&ws)),
            Some("Shown at the top: the person they reported to is no longer here.".to_owned())
        );
        assert_eq!(chart.rows[1].top_level, None);
    }

    #[test]
    fn namesakes_each_keep_their_own_reports_in_a_stable_order() {
        let mut ws = Workspace::new("Acme");
        let first = add(&mut ws, "Sam Lee", None);
        let second = add(&mut ws, "sam lee", None);
        add(&mut ws, "Report of first", Some(&first));
        add(&mut ws, "Report of second", Some(&second));
        let chart = OrgChart::of(&ws);
        everyone_once(&ws, &chart);
        // Namesakes are ordered by id, as `people_by_name` orders them.
        let (low, high) = if first < second {
            (first, second)
        } else {
            (second, first)
        };
        let ids: Vec<(usize, &PersonId)> = chart.rows.iter().map(|r| (r.depth, &r.id)).collect();
        assert_eq!(ids[0], (0, &low));
        assert_eq!(ids[2], (0, &high));
        assert_eq!(ws.people[ids[1].1].manager.as_ref(), Some(&low));
        assert_eq!(ws.people[ids[3].1].manager.as_ref(), Some(&high));
        assert_eq!(chart, OrgChart::of(&ws.clone()), "the same on every build");
    }
}
