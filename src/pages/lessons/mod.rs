//! Safety lessons (公共安全教育 / 安全教育课): log a lesson, the teacher's
//! classes and what is due, and the four in place (四落实) per class and
//! school. The computations are `anyuan_core::lesson`; these pages wire them
//! to the device's records.

pub mod edit;
pub mod list;
pub mod plan;
pub mod today;

use anyuan_core::Lang;
use anyuan_core::kind::Kind;
use anyuan_core::lesson::{COURSE_TYPES, Choice, FORMS, LessonData};
use leptos::prelude::*;

use crate::sync::SyncCtx;

/// The device's classes, term-plan entries and lessons, parsed (tracked).
pub(crate) fn lesson_data(sync: SyncCtx) -> LessonData {
    sync.status.data_version.track();
    let kinds = [Kind::Class, Kind::LessonTermPlan, Kind::SafetyLesson];
    LessonData::from_records(&sync.engine().local.records_of_kinds(&kinds))
}

fn label_of(choices: &'static [Choice], code: &str, lang: Lang) -> &'static str {
    choices
        .iter()
        .find(|c| c.code == code)
        .map_or("", |c| c.label(lang))
}

/// A course type's name for a select's code.
pub(crate) fn course_label(code: &str, lang: Lang) -> &'static str {
    label_of(COURSE_TYPES, code, lang)
}

/// A lesson form's name for a select's code.
pub(crate) fn form_label(code: &str, lang: Lang) -> &'static str {
    label_of(FORMS, code, lang)
}

/// A share as a percentage, `—` without lessons.
pub(crate) fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_owned(), |s| format!("{:.0}%", s * 100.0))
}
