//! School terms (学期): the unit drills and lessons are counted in.
//!
//! The first term (第一学期) of a school year runs from 1 August to the end
//! of January, the second (第二学期) from 1 February to the end of July.
//! A term is written `2026-1` / `2026-2` (the school year's first calendar
//! year, then the term), which sorts in time order as text.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::Lang;

/// One school term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term {
    /// The calendar year the school year starts in (2026 for 2026–2027).
    pub year: i32,
    /// 1 (August–January) or 2 (February–July).
    pub half: u8,
}

impl Term {
    /// The term `date` falls in.
    pub fn of(date: NaiveDate) -> Term {
        match date.month() {
            1 => Term {
                year: date.year() - 1,
                half: 1,
            },
            2..=7 => Term {
                year: date.year() - 1,
                half: 2,
            },
            _ => Term {
                year: date.year(),
                half: 1,
            },
        }
    }

    /// The term's first day.
    pub fn start(self) -> NaiveDate {
        let (y, m) = if self.half == 1 {
            (self.year, 8)
        } else {
            (self.year + 1, 2)
        };
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
    }

    /// The term's last day.
    pub fn end(self) -> NaiveDate {
        self.next().start().pred_opt().unwrap_or_default()
    }

    /// The term after this one.
    pub fn next(self) -> Term {
        if self.half == 1 {
            Term {
                year: self.year,
                half: 2,
            }
        } else {
            Term {
                year: self.year + 1,
                half: 1,
            }
        }
    }

    /// The term before this one.
    pub fn prev(self) -> Term {
        if self.half == 2 {
            Term {
                year: self.year,
                half: 1,
            }
        } else {
            Term {
                year: self.year - 1,
                half: 2,
            }
        }
    }

    /// Whether `date` is in this term.
    pub fn contains(self, date: NaiveDate) -> bool {
        Term::of(date) == self
    }

    /// Parses the code form `2026-1`.
    pub fn parse(code: &str) -> Option<Term> {
        let (y, h) = code.split_once('-')?;
        let year = y.parse().ok()?;
        let half = h.parse().ok().filter(|h| *h == 1 || *h == 2)?;
        Some(Term { year, half })
    }

    /// `2026—2027学年第一学期` / `2026–27 term 1`.
    pub fn label(self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{}—{}学年第{}学期",
                self.year,
                self.year + 1,
                if self.half == 1 { "一" } else { "二" }
            ),
            Lang::En => format!(
                "{}–{:02} term {}",
                self.year,
                (self.year + 1) % 100,
                self.half
            ),
        }
    }
}

/// The code form, `2026-1`.
impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.year, self.half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn terms_cover_every_day_once_and_in_order() {
        let mut day = d(2024, 1, 1);
        let mut last = Term::of(day);
        while day < d(2029, 1, 1) {
            let t = Term::of(day);
            assert!(t.start() <= day && day <= t.end(), "{day} in {t}");
            assert!(t == last || t == last.next(), "{day}: {last} then {t}");
            assert_eq!(t.next().prev(), t);
            last = t;
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn boundaries_and_labels() {
        assert_eq!(Term::of(d(2026, 7, 31)).to_string(), "2025-2");
        assert_eq!(Term::of(d(2026, 8, 1)).to_string(), "2026-1");
        assert_eq!(Term::of(d(2027, 1, 31)).to_string(), "2026-1");
        assert_eq!(Term::of(d(2027, 2, 1)).to_string(), "2026-2");
        assert_eq!(Term::parse("2026-2"), Some(Term::of(d(2027, 3, 1))));
        assert_eq!(Term::parse("2026-3"), None);
        assert_eq!(
            Term::parse("2026-1").unwrap().label(Lang::Zh),
            "2026—2027学年第一学期"
        );
        assert_eq!(
            Term::parse("2026-2").unwrap().label(Lang::En),
            "2026–27 term 2"
        );
    }
}
