//! What changed in the workspace between two points, in sentences a person understands
//! ("Bo Chen's title changed from "Sales lead" to "Head of Sales""), for history and
//! version comparison.

use super::workspace::{Person, Team, Workspace};

impl Workspace {
    /// The differences from `before` to `self`: the organisation first, then people and
    /// teams by name. Empty when nothing a person can see changed.
    pub fn changes_since(&self, before: &Workspace) -> Vec<String> {
        let mut out = Vec::new();
        if self.organisation != before.organisation {
            out.push(if before.organisation.is_empty() {
                format!("The organisation was named \"{}\"", self.organisation)
            } else {
                format!(
                    "The organisation was renamed from \"{}\" to \"{}\"",
                    before.organisation, self.organisation
                )
            });
        }
        if self.about_text() != before.about_text() {
            out.push(if before.about_text().is_empty() {
                "A description of the organisation was written".to_owned()
            } else if self.about_text().is_empty() {
                "The description of the organisation was cleared".to_owned()
            } else {
                "The description of the organisation was edited".to_owned()
            });
        }
        for (id, person) in self.people_by_name() {
            match before.people.get(id) {
                None => out.push(added_person(person)),
                Some(old) => self.describe_person(old, person, before, &mut out),
            }
        }
        for (id, person) in before.people_by_name() {
            if !self.people.contains_key(id) {
                out.push(format!("{} was removed", person.name));
            }
        }
        for (id, team) in self.teams_by_name() {
            match before.teams.get(id) {
                None => out.push(format!("Team {} was added", team.name)),
                Some(old) => self.describe_team(old, team, before, &mut out),
            }
        }
        for (id, team) in before.teams_by_name() {
            if !self.teams.contains_key(id) {
                out.push(format!("Team {} was removed", team.name));
            }
        }
        out
    }

    fn describe_person(
        &self,
        old: &Person,
        new: &Person,
        before: &Workspace,
        out: &mut Vec<String>,
    ) {
        if old.name != new.name {
            out.push(format!("{} was renamed to {}", old.name, new.name));
        }
        let who = &new.name;
        if old.title != new.title {
            out.push(field_change(who, "title", &old.title, &new.title));
        }
        if old.email != new.email {
            out.push(field_change(who, "email", &old.email, &new.email));
        }
        if old.manager != new.manager {
            out.push(match &new.manager {
                Some(manager) => format!("{who} now reports to {}", self.person_name(manager)),
                None => format!("{who} no longer reports to anyone"),
            });
        }
        if old.team != new.team {
            let team_name = |ws: &Workspace, id| {
                ws.team(id)
                    .map_or("(removed team)".to_owned(), |t| t.name.clone())
            };
            out.push(match (&old.team, &new.team) {
                (_, Some(team)) => format!("{who} moved to team {}", team_name(self, team)),
                (Some(team), None) => format!("{who} left team {}", team_name(before, team)),
                (None, None) => unreachable!("the teams differ"),
            });
        }
    }

    fn describe_team(&self, old: &Team, new: &Team, before: &Workspace, out: &mut Vec<String>) {
        if old.name != new.name {
            out.push(format!("Team {} was renamed to {}", old.name, new.name));
        }
        if old.lead != new.lead {
            out.push(match (&old.lead, &new.lead) {
                (_, Some(lead)) => {
                    format!("{} now leads team {}", self.person_name(lead), new.name)
                }
                (Some(lead), None) => format!(
                    "{} no longer leads team {}",
                    before.person_name(lead),
                    new.name
                ),
                (None, None) => unreachable!("the leads differ"),
            });
        }
    }
}

fn added_person(person: &Person) -> String {
    if person.title.is_empty() {
        format!("{} was added", person.name)
    } else {
        format!("{} was added as {}", person.name, person.title)
    }
}

fn field_change(who: &str, field: &str, old: &str, new: &str) -> String {
    match (old.is_empty(), new.is_empty()) {
        (true, _) => format!("{who}'s {field} was set to \"{new}\""),
        (_, true) => format!("{who}'s {field} \"{old}\" was cleared"),
        _ => format!("{who}'s {field} changed from \"{old}\" to \"{new}\""),
    }
}
