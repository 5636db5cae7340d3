//! The two languages of the product: Chinese first, English second.

use serde::{Deserialize, Serialize};

/// A user-interface language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The BCP 47 tag, as set on `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a BCP 47 tag; anything starting with `en` is English, everything
    /// else falls back to Chinese.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// `zh` or `en`, whichever is this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The other language, for a one-tap switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// `label` with its first letter upper- or lower-cased: `fire` → `Fire`,
/// `From` → `from`. English labels are ASCII; a label starting with any
/// other character is returned as it is. (`char::to_uppercase` would bring
/// the Unicode case tables, about 8 KB brotli, into the app.)
pub fn with_first_letter(label: &str, upper: bool) -> String {
    let mut s = label.to_owned();
    if let Some(first) = s.get_mut(..1) {
        if upper {
            first.make_ascii_uppercase();
        } else {
            first.make_ascii_lowercase();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_letters_change_case_and_other_scripts_stay() {
        assert_eq!(with_first_letter("fire", true), "Fire");
        assert_eq!(with_first_letter("From", false), "from");
        assert_eq!(with_first_letter("火灾", true), "火灾");
        assert_eq!(with_first_letter("", true), "");
        assert_eq!(with_first_letter("Éa", false), "Éa");
    }

    #[test]
    fn tags_round_trip_and_unknown_tags_fall_back_to_chinese() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(Lang::from_tag(lang.tag()), lang);
        }
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("fr"), Lang::Zh);
        assert_eq!(Lang::Zh.other(), Lang::En);
    }

    #[test]
    fn serialises_as_its_tag() {
        assert_eq!(serde_json::to_string(&Lang::Zh).unwrap(), "\"zh-CN\"");
        assert_eq!(serde_json::from_str::<Lang>("\"en\"").unwrap(), Lang::En);
    }
}
