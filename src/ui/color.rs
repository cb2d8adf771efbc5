//! Workspace colors (`#rrggbb` / `#rgb`) to terminal colors: truecolor where
//! the terminal says so, else the nearest xterm-256 palette entry; none at
//! all under `NO_COLOR`. Badge text is black or white, whichever contrasts
//! more (WCAG 2 relative luminance).

use ratatui::style::Color;

use crate::config::TrueColor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    TrueColor,
    Palette256,
    /// `NO_COLOR`: every cell keeps the terminal's own colors.
    NoColor,
}

impl ColorMode {
    /// Decides from the values of `NO_COLOR` and `COLORTERM` (passed in, so
    /// tests never touch the environment). `NO_COLOR` counts when non-empty.
    pub fn detect(no_color: Option<&str>, colorterm: Option<&str>) -> ColorMode {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ColorMode::NoColor;
        }
        match colorterm.map(str::to_ascii_lowercase).as_deref() {
            Some("truecolor" | "24bit") => ColorMode::TrueColor,
            _ => ColorMode::Palette256,
        }
    }

    /// Reads the environment once (the runtime does this at start).
    pub fn from_env() -> ColorMode {
        ColorMode::from_env_with(TrueColor::Auto)
    }

    /// Like [`ColorMode::from_env`], with `[ui] truecolor` from the config
    /// overriding `COLORTERM` (`NO_COLOR` still wins).
    pub fn from_env_with(preference: TrueColor) -> ColorMode {
        let no_color = std::env::var("NO_COLOR").ok();
        let colorterm = std::env::var("COLORTERM").ok();
        ColorMode::detect(no_color.as_deref(), colorterm.as_deref()).with_preference(preference)
    }

    pub fn with_preference(self, preference: TrueColor) -> ColorMode {
        match (self, preference) {
            (ColorMode::NoColor, _) | (_, TrueColor::Auto) => self,
            (_, TrueColor::Always) => ColorMode::TrueColor,
            (_, TrueColor::Never) => ColorMode::Palette256,
        }
    }

    /// The color the terminal will actually show for `rgb` (the palette
    /// entry on 256-color terminals): contrast is checked on this.
    pub fn emitted(self, rgb: Rgb) -> Rgb {
        match self {
            ColorMode::Palette256 => palette_rgb(nearest_256(rgb)),
            ColorMode::TrueColor | ColorMode::NoColor => rgb,
        }
    }

    pub fn color(self, rgb: Rgb) -> Option<Color> {
        match self {
            ColorMode::TrueColor => Some(Color::Rgb(rgb.0, rgb.1, rgb.2)),
            ColorMode::Palette256 => Some(Color::Indexed(nearest_256(rgb))),
            ColorMode::NoColor => None,
        }
    }
}

pub use crate::model::{BLACK, Rgb, WHITE, parse_hex};

/// Channel levels of the xterm 6×6×6 cube (indices 16..=231).
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn dist2(a: Rgb, b: Rgb) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2) as u32;
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

fn nearest_level(v: u8) -> usize {
    (0..CUBE.len())
        .min_by_key(|&i| (i32::from(CUBE[i]) - i32::from(v)).abs())
        .unwrap_or(0)
}

/// The xterm-256 index nearest to `rgb`: the best of the cube (the nearest
/// level per channel is the nearest cube point) and the 24-step gray ramp
/// (232..=255, `8 + 10 i`). The 16 system colors are skipped: terminals
/// theme them, so their RGB is unknown.
pub fn nearest_256(rgb: Rgb) -> u8 {
    let (r, g, b) = (
        nearest_level(rgb.0),
        nearest_level(rgb.1),
        nearest_level(rgb.2),
    );
    let cube = Rgb(CUBE[r], CUBE[g], CUBE[b]);
    let cube_index = 16 + 36 * r + 6 * g + b;
    let (gray_index, gray) = (0..24u8)
        .map(|i| (232 + usize::from(i), 8 + 10 * i))
        .min_by_key(|&(_, v)| dist2(rgb, Rgb(v, v, v)))
        .map(|(i, v)| (i, Rgb(v, v, v)))
        .unwrap_or((232, Rgb(8, 8, 8)));
    let index = if dist2(rgb, gray) < dist2(rgb, cube) {
        gray_index
    } else {
        cube_index
    };
    index as u8
}

/// RGB of a palette index from 16 up (for contrast on 256-color terminals).
pub fn palette_rgb(index: u8) -> Rgb {
    match index {
        16..=231 => {
            let i = usize::from(index - 16);
            Rgb(CUBE[i / 36], CUBE[(i / 6) % 6], CUBE[i % 6])
        }
        232..=255 => {
            let v = 8 + 10 * (index - 232);
            Rgb(v, v, v)
        }
        _ => Rgb(128, 128, 128),
    }
}

/// WCAG 2 relative luminance.
pub fn luminance(c: Rgb) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.040_45 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// Black or white text, whichever reads better on `bg`.
pub fn text_on(bg: Rgb) -> Rgb {
    if contrast_ratio(bg, BLACK) >= contrast_ratio(bg, WHITE) {
        BLACK
    } else {
        WHITE
    }
}

/// `fg` made readable on `bg`: its lightness moved away from the
/// background's (hue and saturation kept) until the color as `emit` shows
/// it reaches `min`:1 against `bg`, or black/white is reached.
pub fn readable_on(fg: Rgb, bg: Rgb, min: f64, emit: impl Fn(Rgb) -> Rgb) -> Rgb {
    if contrast_ratio(emit(fg), bg) >= min {
        return fg;
    }
    let (h, s, l) = to_hsl(fg);
    let darker = luminance(bg) > 0.18;
    for step in 1..=50 {
        let d = f64::from(step) * 0.02;
        let l2 = if darker { l - d } else { l + d };
        if !(0.0..=1.0).contains(&l2) {
            break;
        }
        let shifted = from_hsl(h, s, l2);
        if contrast_ratio(emit(shifted), bg) >= min {
            return shifted;
        }
    }
    if darker { BLACK } else { WHITE }
}

fn to_hsl(c: Rgb) -> (f64, f64, f64) {
    let (r, g, b) = (
        f64::from(c.0) / 255.0,
        f64::from(c.1) / 255.0,
        f64::from(c.2) / 255.0,
    );
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let l = (max + min) / 2.0;
    let d = max - min;
    if d == 0.0 {
        return (0.0, 0.0, l);
    }
    let s = d / (1.0 - (2.0 * l - 1.0).abs());
    let h = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    (h * 60.0, s, l)
}

fn from_hsl(h: f64, s: f64, l: f64) -> Rgb {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0).rem_euclid(2.0) - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let v = |f: f64| ((f + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Rgb(v(r), v(g), v(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_forms_and_rejects_junk() {
        assert_eq!(parse_hex("#f59e0b"), Some(Rgb(0xf5, 0x9e, 0x0b)));
        assert_eq!(parse_hex("#FA0"), Some(Rgb(0xff, 0xaa, 0x00)));
        assert_eq!(parse_hex(" 10b981 "), Some(Rgb(0x10, 0xb9, 0x81)));
        for bad in [
            "", "#", "#12", "#12345", "#gggggg", "red", "7", "#ééé", "#+1+2+3",
        ] {
            assert_eq!(parse_hex(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn nearest_palette_entries() {
        // Amber: r→255, g 158→175, b 11→0: 16 + 36*5 + 6*3 + 0.
        assert_eq!(nearest_256(Rgb(0xf5, 0x9e, 0x0b)), 214);
        assert_eq!(nearest_256(Rgb(0, 0, 0)), 16);
        assert_eq!(nearest_256(Rgb(255, 255, 255)), 231);
        // Mid grays land on the ramp, not the coarse cube.
        assert_eq!(nearest_256(Rgb(0x80, 0x80, 0x80)), 244);
        assert_eq!(nearest_256(Rgb(0x6b, 0x72, 0x80)), 243);
        // Every index maps back to itself.
        for i in 16..=255u8 {
            assert_eq!(nearest_256(palette_rgb(i)), i, "index {i}");
        }
    }

    #[test]
    fn badge_text_by_contrast() {
        assert_eq!(text_on(Rgb(0xf5, 0x9e, 0x0b)), BLACK);
        assert_eq!(text_on(Rgb(0x1e, 0x3a, 0x8a)), WHITE);
        assert_eq!(text_on(WHITE), BLACK);
        assert!((contrast_ratio(BLACK, WHITE) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn text_colors_shift_in_lightness_to_three_to_one() {
        let white = WHITE;
        for c in [
            Rgb(0x94, 0xa3, 0xb8),
            Rgb(0x38, 0xbd, 0xf8),
            Rgb(0xff, 0xff, 0x00),
        ] {
            assert!(contrast_ratio(c, white) < 3.0);
            let shifted = readable_on(c, white, 3.0, |c| c);
            assert!(contrast_ratio(shifted, white) >= 3.0, "{shifted:?}");
            // Same hue, within rounding.
            let (h0, _, _) = to_hsl(c);
            let (h1, _, _) = to_hsl(shifted);
            assert!((h0 - h1).abs() < 4.0, "{c:?} {h0} → {shifted:?} {h1}");
            // 256 colors: the palette entry shown reaches it too.
            let mode = ColorMode::Palette256;
            let shown = readable_on(c, white, 3.0, |c| mode.emitted(c));
            assert!(contrast_ratio(mode.emitted(shown), white) >= 3.0);
        }
        // Dark backgrounds lighten; already readable colors stay.
        let navy = Rgb(0x1e, 0x3a, 0x8a);
        let on_black = readable_on(navy, BLACK, 3.0, |c| c);
        assert!(contrast_ratio(on_black, BLACK) >= 3.0 && luminance(on_black) > luminance(navy));
        assert_eq!(readable_on(BLACK, WHITE, 3.0, |c| c), BLACK);
    }

    #[test]
    fn mode_detection() {
        assert_eq!(
            ColorMode::detect(Some("1"), Some("truecolor")),
            ColorMode::NoColor
        );
        assert_eq!(
            ColorMode::detect(Some(""), Some("24bit")),
            ColorMode::TrueColor
        );
        assert_eq!(
            ColorMode::detect(None, Some("TrueColor")),
            ColorMode::TrueColor
        );
        assert_eq!(ColorMode::detect(None, None), ColorMode::Palette256);
        let pal = ColorMode::Palette256;
        assert_eq!(pal.with_preference(TrueColor::Always), ColorMode::TrueColor);
        assert_eq!(ColorMode::TrueColor.with_preference(TrueColor::Never), pal);
        assert_eq!(
            ColorMode::NoColor.with_preference(TrueColor::Always),
            ColorMode::NoColor
        );
    }
}
