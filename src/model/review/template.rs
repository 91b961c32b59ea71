//! A review template: the sections and questions a review asks, and the competencies it
//! rates. HR keeps templates in the workspace; starting a cycle copies the template into
//! every review, so the review document says on its own what it asked.

use autosurgeon::{Hydrate, Reconcile};

use super::ReviewError;
use crate::model::ItemId;

/// How a question is answered.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Hydrate,
    Reconcile,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Answer {
    #[default]
    Text,
    /// A value on the review's rating scale.
    Rating,
}

/// One question of a section.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    Hash,
    Hydrate,
    Reconcile,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: ItemId,
    pub text: String,
    pub answer: Answer,
}

/// A titled group of questions.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    Hash,
    Hydrate,
    Reconcile,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    pub title: String,
    pub questions: Vec<Question>,
}

/// A competency rated on the scale ("Communication", "Ownership").
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    Hash,
    Hydrate,
    Reconcile,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Competency {
    pub id: ItemId,
    pub name: String,
    pub description: String,
}

/// A review template. (Sections and competencies are lists, not maps by id: HR edits a
/// template in one form, not concurrently item by item, and the order is the point.)
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    Hash,
    Hydrate,
    Reconcile,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct ReviewTemplate {
    pub name: String,
    pub sections: Vec<Section>,
    pub competencies: Vec<Competency>,
}

impl ReviewTemplate {
    /// The ids of the questions answered in words, in order.
    pub fn written_questions(&self) -> impl Iterator<Item = &ItemId> {
        self.sections
            .iter()
            .flat_map(|section| &section.questions)
            .filter(|question| question.answer == Answer::Text)
            .map(|question| &question.id)
    }

    /// A template from the form's text. Sections and questions are written as an outline:
    /// a line starting with `#` opens a section; every other line is a question, rated on
    /// the scale when it ends with `[rating]`. Competencies are one per line, with an
    /// optional description after a colon.
    ///
    /// ```
    /// use throughline::model::review::{Answer, ReviewTemplate};
    /// let template = ReviewTemplate::parse(
    ///     "Annual",
    ///     "# Looking back\nWhat went well?\nHow did you grow? [rating]",
    ///     "Communication: clear and timely",
    /// ).unwrap();
    /// assert_eq!(template.sections[0].questions[1].answer, Answer::Rating);
    /// assert_eq!(template.competencies[0].description, "clear and timely");
    /// ```
    pub fn parse(name: &str, outline: &str, competencies: &str) -> Result<Self, ReviewError> {
        Self::default().reparsed(name, outline, competencies)
    }

    /// This template edited from the form's text. Questions and competencies whose text
    /// is unchanged keep their ids, so reviews already answered still match them.
    pub fn reparsed(
        &self,
        name: &str,
        outline: &str,
        competencies: &str,
    ) -> Result<Self, ReviewError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ReviewError::TemplateNameMissing);
        }
        let mut sections: Vec<Section> = Vec::new();
        for line in outline.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(title) = line.strip_prefix('#') {
                let title = title.trim_start_matches('#').trim();
                if title.is_empty() {
                    return Err(ReviewError::SectionTitleMissing);
                }
                sections.push(Section {
                    title: title.to_owned(),
                    questions: Vec::new(),
                });
                continue;
            }
            let (text, answer) = match line.strip_suffix("[rating]") {
                Some(text) => (text.trim(), Answer::Rating),
                None => (line, Answer::Text),
            };
            if text.is_empty() {
                return Err(ReviewError::RatedQuestionTextMissing);
            }
            if sections.is_empty() {
                sections.push(Section {
                    title: "Questions".to_owned(),
                    questions: Vec::new(),
                });
            }
            let id = self
                .questions()
                .find(|q| q.text == text)
                .map(|q| q.id.clone())
                .unwrap_or_else(ItemId::random);
            if let Some(section) = sections.last_mut() {
                section.questions.push(Question {
                    id,
                    text: text.to_owned(),
                    answer,
                });
            }
        }
        let mut parsed = Vec::new();
        for line in competencies
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let (name, description) = line.split_once(':').unwrap_or((line, ""));
            let name = name.trim();
            if name.is_empty() {
                return Err(ReviewError::CompetencyNameMissing {
                    line: line.to_owned(),
                });
            }
            let id = self
                .competencies
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.id.clone())
                .unwrap_or_else(ItemId::random);
            parsed.push(Competency {
                id,
                name: name.to_owned(),
                description: description.trim().to_owned(),
            });
        }
        if sections.is_empty() && parsed.is_empty() {
            return Err(ReviewError::TemplateEmpty);
        }
        Ok(Self {
            name: name.to_owned(),
            sections,
            competencies: parsed,
        })
    }

    /// This template as edited field by field, checked and tidied (text trimmed): every
    /// section has a title and questions, every question text, every competency a name,
    /// and there is something to ask. Ids are kept, so reviews already answered match.
    ///
    /// ```
    /// use throughline::model::review::{ReviewError, ReviewTemplate, Section};
    /// let mut template = ReviewTemplate::parse("Annual", "# Looking back\nWhat went well?", "").unwrap();
    /// template.sections.push(Section { title: " ".into(), questions: vec![] });
    /// assert_eq!(template.checked(), Err(ReviewError::SectionUntitled { number: 2 }));
    /// ```
    pub fn checked(&self) -> Result<Self, ReviewError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(ReviewError::TemplateNameMissing);
        }
        let mut sections = Vec::new();
        for (index, section) in self.sections.iter().enumerate() {
            let title = section.title.trim();
            if title.is_empty() {
                return Err(ReviewError::SectionUntitled { number: index + 1 });
            }
            if section.questions.is_empty() {
                return Err(ReviewError::SectionEmpty {
                    section: title.to_owned(),
                });
            }
            let mut questions = Vec::new();
            for question in &section.questions {
                let text = question.text.trim();
                if text.is_empty() {
                    return Err(ReviewError::QuestionTextMissing {
                        section: title.to_owned(),
                    });
                }
                questions.push(Question {
                    text: text.to_owned(),
                    ..question.clone()
                });
            }
            sections.push(Section {
                title: title.to_owned(),
                questions,
            });
        }
        let mut competencies = Vec::new();
        for (index, competency) in self.competencies.iter().enumerate() {
            let name = competency.name.trim();
            if name.is_empty() {
                return Err(ReviewError::CompetencyUnnamed { number: index + 1 });
            }
            competencies.push(Competency {
                id: competency.id.clone(),
                name: name.to_owned(),
                description: competency.description.trim().to_owned(),
            });
        }
        if sections.is_empty() && competencies.is_empty() {
            return Err(ReviewError::TemplateEmpty);
        }
        Ok(Self {
            name: name.to_owned(),
            sections,
            competencies,
        })
    }

    /// Every question, in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, id: &ItemId) -> Option<&Question> {
        self.questions().find(|q| &q.id == id)
    }
}
