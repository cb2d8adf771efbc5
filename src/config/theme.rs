//! What the config file says of colors: `[ui] theme` and the `[theme]`
//! overrides of its slots. The slots and the built-in palettes are the
//! UI's (`ui::palette`); these are only the names and values as written.

use serde::Deserialize;

use crate::model::{Rgb, parse_hex};

/// A built-in theme, or `auto`: the terminal is asked for its background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Auto,
    Dark,
    Light,
    HighContrast,
}

impl ThemeName {
    pub const BUILT_IN: [ThemeName; 3] =
        [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Auto => "auto",
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }
}

/// `[theme]`: any slot, as `"#rrggbb"` or `"#rgb"`. An unknown slot name is
/// reported like any unknown key (with its line); a value that is not a
/// color refuses the file with its line, as other bad values do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ThemeOverrides {
    pub background: Option<HexColor>,
    pub selected_fg: Option<HexColor>,
    pub selected_bg: Option<HexColor>,
    pub accent: Option<HexColor>,
    pub dim: Option<HexColor>,
    pub error: Option<HexColor>,
    pub header: Option<HexColor>,
    pub title: Option<HexColor>,
    pub key: Option<HexColor>,
    pub mark: Option<HexColor>,
    pub new_mark: Option<HexColor>,
    pub border: Option<HexColor>,
    pub warning_fg: Option<HexColor>,
    pub warning_bg: Option<HexColor>,
}

/// A color written in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HexColor(pub Rgb);

impl<'de> Deserialize<'de> for HexColor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_hex(&s).map(HexColor).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not a color: write \"#rrggbb\" or \"#rgb\""
            ))
        })
    }
}
