//! Dates, times and durations the way the plan's readers write them:
//! `2018年11月5日 14:30` / `5 Nov 2018 14:30`, `3分25秒` / `3 min 25 s`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike, Weekday};

use crate::Lang;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar date: `2018年11月5日` / `5 Nov 2018`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => format!(
            "{} {} {}",
            d.day(),
            MONTHS_EN[d.month0() as usize],
            d.year()
        ),
    }
}

/// A date with the weekday: `2018年11月5日 星期一` / `Mon 5 Nov 2018`.
pub fn date_with_weekday(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => format!("{} {}", date(lang, d), weekday_zh(d.weekday())),
        Lang::En => format!("{} {}", weekday_en(d.weekday()), date(lang, d)),
    }
}

/// A local date and time, 24-hour clock: `2018年11月5日 14:30` / `5 Nov 2018 14:30`.
pub fn date_time(lang: Lang, t: NaiveDateTime) -> String {
    format!("{} {:02}:{:02}", date(lang, t.date()), t.hour(), t.minute())
}

/// A duration in whole seconds: `1小时3分25秒` / `1 h 3 min 25 s`; `0秒` / `0 s`.
/// Negative durations (a clock that went backwards) are shown with a minus sign.
pub fn duration(lang: Lang, seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    let mut parts: Vec<String> = Vec::new();
    let units = match lang {
        Lang::Zh => ["小时", "分", "秒"],
        Lang::En => [" h", " min", " s"],
    };
    if h > 0 {
        parts.push(format!("{h}{}", units[0]));
    }
    if m > 0 {
        parts.push(format!("{m}{}", units[1]));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s}{}", units[2]));
    }
    let sep = if lang == Lang::Zh { "" } else { " " };
    format!("{sign}{}", parts.join(sep))
}

fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn weekday_en(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    #[test]
    fn formats_the_plans_dates_in_both_languages() {
        let t = at(2018, 11, 5, 14, 30);
        assert_eq!(date_time(Lang::Zh, t), "2018年11月5日 14:30");
        assert_eq!(date_time(Lang::En, t), "5 Nov 2018 14:30");
        assert_eq!(
            date_time(Lang::Zh, at(2018, 1, 9, 7, 5)),
            "2018年1月9日 07:05"
        );
        assert_eq!(
            date_with_weekday(Lang::Zh, t.date()),
            "2018年11月5日 星期一"
        );
        assert_eq!(date_with_weekday(Lang::En, t.date()), "Mon 5 Nov 2018");
    }

    #[test]
    fn formats_durations_without_empty_units() {
        assert_eq!(duration(Lang::Zh, 205), "3分25秒");
        assert_eq!(duration(Lang::En, 205), "3 min 25 s");
        assert_eq!(duration(Lang::Zh, 3600), "1小时");
        assert_eq!(duration(Lang::En, 3_725), "1 h 2 min 5 s");
        assert_eq!(duration(Lang::Zh, 0), "0秒");
        assert_eq!(duration(Lang::En, -65), "-1 min 5 s");
    }
}
