//! `[ui] theme = "auto"`: which built-in theme suits the terminal. The
//! terminal is asked for its background (OSC 11) before the UI takes it
//! over, since the answer arrives on stdin and crossterm's event reader
//! must not be reading yet; `COLORFGBG` is the fallback, and dark is what
//! a terminal that says nothing gets.

use std::time::{Duration, Instant};

use crate::ui::color::{BLACK, Rgb, WHITE, contrast_ratio};
use crate::ui::palette::{Palette, ThemeName, ThemeOverrides, built_in};
use crate::ui::{ColorMode, Theme};

/// How long the terminal gets to answer. Terminals that cannot answer OSC
/// 11 answer the DA1 query sent after it at once, so this is only spent on
/// a terminal that answers nothing at all; it bounds the startup delay.
pub const QUERY_TIMEOUT: Duration = Duration::from_millis(60);

/// Where the background came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The terminal's answer to OSC 11.
    Query,
    /// The `COLORFGBG` environment variable.
    ColorFgBg,
    /// Nothing answered: the dark theme.
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub background: Option<Rgb>,
    pub source: Source,
    /// How long asking took (the startup delay `auto` costs).
    pub took: Duration,
}

/// Asks the terminal, then `COLORFGBG`.
pub fn detect(colorfgbg: Option<&str>) -> Detection {
    let start = Instant::now();
    let mut options = terminal_colorsaurus::QueryOptions::default();
    options.timeout = QUERY_TIMEOUT;
    let asked = terminal_colorsaurus::background_color(options).ok();
    let took = start.elapsed();
    if let Some(c) = asked {
        let (r, g, b) = c.scale_to_8bit();
        return Detection {
            background: Some(Rgb(r, g, b)),
            source: Source::Query,
            took,
        };
    }
    match colorfgbg.and_then(from_colorfgbg) {
        Some(bg) => Detection {
            background: Some(bg),
            source: Source::ColorFgBg,
            took,
        },
        None => Detection {
            background: None,
            source: Source::Nothing,
            took,
        },
    }
}

/// `COLORFGBG` (`"15;0"`, or `"15;default;0"`: foreground;background as
/// palette indices, the background last). White and light gray (7, 9–15)
/// are light; anything else that is a number is dark.
pub fn from_colorfgbg(value: &str) -> Option<Rgb> {
    let last = value.rsplit(';').next()?.trim();
    match last.parse::<u8>().ok()? {
        7 | 9..=15 => Some(WHITE),
        0..=6 | 8 => Some(BLACK),
        _ => None,
    }
}

/// The built-in theme that suits a background.
pub fn theme_for(background: Option<Rgb>) -> ThemeName {
    match background {
        Some(bg) if contrast_ratio(bg, BLACK) > contrast_ratio(bg, WHITE) => ThemeName::Light,
        _ => ThemeName::Dark,
    }
}

/// The palette for `name` (resolving `auto` with `detected`), the terminal's
/// own background kept when it answered, then `[theme]` over it.
pub fn palette(name: ThemeName, detected: Option<Rgb>, overrides: &ThemeOverrides) -> Palette {
    let mut palette = match name {
        ThemeName::Auto => built_in(theme_for(detected)),
        other => built_in(other),
    };
    if let (ThemeName::Auto, Some(bg)) = (name, detected) {
        palette.background = bg;
    }
    palette.with(overrides)
}

/// The theme for a session: `NO_COLOR` (in `mode`) wins and asks nothing;
/// only `auto` asks the terminal.
pub fn choose(mode: ColorMode, name: ThemeName, overrides: &ThemeOverrides) -> Theme {
    if mode == ColorMode::NoColor || name != ThemeName::Auto {
        return Theme::with_palette(mode, palette(name, None, overrides));
    }
    let colorfgbg = std::env::var("COLORFGBG").ok();
    let found = detect(colorfgbg.as_deref());
    tracing::info!(
        "terminal background: {:?} from {:?}, asking took {} ms",
        found.background,
        found.source,
        found.took.as_millis()
    );
    Theme::with_palette(mode, palette(name, found.background, overrides))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colorfgbg_fallback() {
        assert_eq!(from_colorfgbg("15;0"), Some(BLACK));
        assert_eq!(from_colorfgbg("0;15"), Some(WHITE));
        assert_eq!(from_colorfgbg("0;default;7"), Some(WHITE));
        assert_eq!(from_colorfgbg("default;default"), None);
        assert_eq!(from_colorfgbg(""), None);
        assert_eq!(from_colorfgbg("0;300"), None);
    }

    #[test]
    fn auto_picks_by_the_answer() {
        let none = ThemeOverrides::default();
        let white = Some(WHITE);
        assert_eq!(theme_for(white), ThemeName::Light);
        assert_eq!(theme_for(Some(Rgb(0xfd, 0xf6, 0xe3))), ThemeName::Light);
        assert_eq!(theme_for(Some(Rgb(0x28, 0x2c, 0x34))), ThemeName::Dark);
        assert_eq!(theme_for(None), ThemeName::Dark);
        let light = palette(ThemeName::Auto, white, &none);
        assert_eq!(light.selected_bg, built_in(ThemeName::Light).selected_bg);
        // The terminal's own background is what workspace colors meet.
        let solarized = Rgb(0xfd, 0xf6, 0xe3);
        assert_eq!(
            palette(ThemeName::Auto, Some(solarized), &none).background,
            solarized
        );
        assert_eq!(
            palette(ThemeName::Auto, None, &none),
            built_in(ThemeName::Dark)
        );
        // A named theme ignores what was detected.
        assert_eq!(
            palette(ThemeName::Dark, white, &none),
            built_in(ThemeName::Dark)
        );
    }
}
