//! Themes: every text slot of every built-in theme reads (WCAG 2.1) on
//! every background it is drawn on, workspace colors are made to read, and
//! the queue as each theme draws it (snapshots with the cell colors).

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use tokio::time::Instant;
use triage::api::types::{Tag, TicketDetail};
use triage::app::{Msg, State, update};
use triage::ui::color::{Rgb, contrast_ratio, nearest_256, palette_rgb, parse_hex, text_on};
use triage::ui::palette::{Palette, SLOTS, TEXT_SLOTS, ThemeName};
use triage::ui::{ColorMode, RenderContext, Theme, render};

use crate::support::keys::press;
use crate::support::ui_fixtures::{self, loaded_state, ticket, wall_now};

const MODES: [ColorMode; 2] = [ColorMode::TrueColor, ColorMode::Palette256];

fn slot(p: &Palette, name: &str) -> Rgb {
    p.slot(name).unwrap_or_else(|| panic!("no slot {name}"))
}

/// The demo workspace's colors (assets/data), as a real server sends them.
fn demo_colors(file: &str) -> Vec<Rgb> {
    let path = format!("{}/assets/data/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('|').next_back().and_then(parse_hex))
        .collect()
}

#[test]
fn every_text_slot_reads_on_every_background() {
    let mut failures = Vec::new();
    for name in ThemeName::BUILT_IN {
        let p = triage::ui::palette::built_in(name);
        for mode in MODES {
            let shown = |c: Rgb| mode.emitted(c);
            // The terminal's background is its own, never quantized.
            let backgrounds = [
                ("background", p.background),
                ("selected_bg", shown(p.selected_bg)),
            ];
            let mut check = |what: String, ratio: f64, min: f64| {
                if ratio < min {
                    failures.push(format!(
                        "{} {mode:?}: {what} {ratio:.2} < {min}",
                        name.as_str()
                    ));
                }
            };
            for text in TEXT_SLOTS {
                for (bg_name, bg) in backgrounds {
                    let r = contrast_ratio(shown(slot(&p, text)), bg);
                    check(format!("{text} on {bg_name}"), r, 4.5);
                }
            }
            let r = contrast_ratio(shown(p.selected_fg), shown(p.selected_bg));
            check("selected_fg on selected_bg".into(), r, 4.5);
            let r = contrast_ratio(shown(p.warning_fg), shown(p.warning_bg));
            check("warning_fg on warning_bg".into(), r, 4.5);
            check(
                "border".into(),
                contrast_ratio(shown(p.border), p.background),
                3.0,
            );

            let theme = Theme::with_palette(mode, p);
            for (bg_name, bg) in backgrounds {
                // Priority colors are text: shifted until they read at 3:1.
                for c in demo_colors("priorities.txt") {
                    let drawn =
                        theme.priority_on(Some(&hex(c)), &triage::model::PriorityLevel::Normal, bg);
                    let r = contrast_ratio(rgb_of(drawn.fg.unwrap()), bg);
                    check(format!("priority {} on {bg_name}", hex(c)), r, 3.0);
                }
                // Badges: black or white text on the fill; an edge where
                // the fill melts into what is under it.
                for c in demo_colors("statuses.txt")
                    .into_iter()
                    .chain(demo_colors("tags.txt"))
                {
                    let fill = shown(c);
                    let r = contrast_ratio(text_on(fill), fill);
                    check(format!("badge text on {}", hex(c)), r, 4.5);
                    if contrast_ratio(fill, bg) < 1.5 {
                        match theme.edge(c, bg) {
                            Some(edge) => {
                                let r = contrast_ratio(rgb_of(edge.fg.unwrap()), fill);
                                check(format!("edge of {} on {bg_name}", hex(c)), r, 3.0);
                            }
                            None => check(format!("no edge on {}", hex(c)), 0.0, 1.0),
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_fill_like_the_background_gets_an_edge() {
    let light = Theme::with_palette(
        ColorMode::TrueColor,
        triage::ui::palette::built_in(ThemeName::Light),
    );
    let near_white = Rgb(0xf1, 0xf5, 0xf9);
    let edge = light.edge(near_white, Rgb(255, 255, 255)).expect("an edge");
    assert!(contrast_ratio(rgb_of(edge.fg.unwrap()), near_white) >= 3.0);
    assert_eq!(edge.bg, Some(Color::Rgb(0xf1, 0xf5, 0xf9)));
    assert!(
        light
            .edge(Rgb(0x3b, 0x82, 0xf6), Rgb(255, 255, 255))
            .is_none()
    );
    // Without colors there is no fill to lose.
    let none = Theme::with_palette(
        ColorMode::NoColor,
        triage::ui::palette::built_in(ThemeName::Light),
    );
    assert!(none.edge(near_white, Rgb(255, 255, 255)).is_none());
}

#[test]
fn every_slot_has_a_name_in_the_config() {
    for name in SLOTS {
        let text = format!("[theme]\n{name} = \"#123456\"\n");
        let file = triage::config::parse(&text, std::path::Path::new("c.toml")).unwrap();
        let p = triage::ui::palette::built_in(ThemeName::Dark).with(&file.theme);
        assert_eq!(p.slot(name), Some(Rgb(0x12, 0x34, 0x56)), "{name}");
    }
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn rgb_of(c: Color) -> Rgb {
    match c {
        Color::Rgb(r, g, b) => Rgb(r, g, b),
        Color::Indexed(i) => palette_rgb(i),
        other => panic!("not a drawn color: {other:?}"),
    }
}

fn draw(state: &State, theme: Theme) -> Buffer {
    let (w, h) = (state.size.width, state.size.height);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let ctx = RenderContext {
        now: Instant::now(),
        wall_now: wall_now(),
        theme,
    };
    terminal.draw(|f| render(state, &ctx, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// Every drawn character against what is under it: ≥ 4.5:1 for the
/// theme's text colors and badge text, 3:1 for workspace colors drawn as
/// text (priorities), borders and marks.
fn check_cells(buf: &Buffer, p: &Palette, mode: ColorMode, what: &str) {
    let mut text_colors: Vec<Rgb> = TEXT_SLOTS.iter().map(|s| slot(p, s)).collect();
    text_colors.extend([
        p.selected_fg,
        p.warning_fg,
        Rgb(0, 0, 0),
        Rgb(255, 255, 255),
    ]);
    let text_colors: Vec<Rgb> = text_colors.into_iter().map(|c| mode.emitted(c)).collect();
    let mut low = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if cell.symbol().trim().is_empty() || cell.fg == Color::Reset {
                continue;
            }
            let fg = rgb_of(cell.fg);
            let bg = match cell.bg {
                Color::Reset => p.background,
                c => rgb_of(c),
            };
            let boxes = cell
                .symbol()
                .chars()
                .all(|c| ('\u{2500}'..='\u{257f}').contains(&c));
            let graphic = boxes || ["▏", "▕", "●", "•", "…"].contains(&cell.symbol());
            let min = if !graphic && text_colors.contains(&fg) {
                4.5
            } else {
                3.0
            };
            let r = contrast_ratio(fg, bg);
            if r < min {
                low.push(format!("({x},{y}) {:?} {r:.2}", cell.symbol()));
            }
        }
    }
    assert!(low.is_empty(), "{what}: {}", low.join(", "));
}

fn with_detail(mut state: State) -> State {
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Enter);
    let generation = state.detail.as_ref().unwrap().generation;
    let detail = TicketDetail {
        ticket: ticket(2),
        tags: vec![
            Tag {
                id: uuid::Uuid::from_u128(77),
                name: "billing".into(),
                color: Some("#22c55e".into()),
            },
            Tag {
                id: uuid::Uuid::from_u128(78),
                name: "snow".into(),
                color: Some("#f8fafc".into()),
            },
        ],
        custom_fields: Default::default(),
    };
    update(
        &mut state,
        Msg::DetailLoaded {
            generation,
            result: Ok(Box::new(detail)),
        },
        ui_fixtures::clock(),
    );
    state
}

#[tokio::test(start_paused = true)]
async fn every_drawn_cell_reads_in_every_built_in_theme() {
    for name in ThemeName::BUILT_IN {
        let p = triage::ui::palette::built_in(name);
        for mode in MODES {
            let theme = Theme::with_palette(mode, p);
            let what = format!("{} {mode:?}", name.as_str());
            check_cells(
                &draw(&loaded_state(120, 30, 50, 412), theme),
                &p,
                mode,
                &what,
            );
            let detail = with_detail(loaded_state(200, 40, 50, 412));
            let with = format!("{what} with detail");
            check_cells(&draw(&detail, theme), &p, mode, &with);
        }
    }
}

/// The screen as text, then each row's color runs: `x..x fg/bg` (`-` for
/// the terminal's own).
fn styled(buf: &Buffer) -> String {
    let color = |c: Color| match c {
        Color::Reset => "-".to_string(),
        Color::Rgb(r, g, b) => format!("{r:02x}{g:02x}{b:02x}"),
        other => format!("{other:?}"),
    };
    let mut out = crate::support::screen::text(buf);
    out.push_str("--- colors (x..x fg/bg) ---\n");
    for y in 0..buf.area.height {
        let mut runs: Vec<String> = Vec::new();
        let mut start = 0;
        for x in 1..=buf.area.width {
            let key = |x: u16| {
                let c = &buf[(x, y)];
                (c.fg, c.bg)
            };
            if x == buf.area.width || key(x) != key(start) {
                let (fg, bg) = key(start);
                if (fg, bg) != (Color::Reset, Color::Reset) {
                    runs.push(format!("{start}..{} {}/{}", x - 1, color(fg), color(bg)));
                }
                start = x;
            }
        }
        if !runs.is_empty() {
            out.push_str(&format!("{y}: {}\n", runs.join(" ")));
        }
    }
    out
}

#[tokio::test(start_paused = true)]
async fn the_queue_in_each_built_in_theme() {
    for name in ThemeName::BUILT_IN {
        let theme = Theme::with_palette(ColorMode::TrueColor, triage::ui::palette::built_in(name));
        let buf = draw(&loaded_state(100, 14, 50, 412), theme);
        insta::assert_snapshot!(format!("queue_theme_{}", name.as_str()), styled(&buf));
    }
}

#[test]
fn the_256_color_fallback_is_what_the_test_checks() {
    // The contrast test measures palette entries, not the asked colors:
    // a color and its entry differ.
    let asked = triage::ui::palette::built_in(ThemeName::Dark).selected_bg;
    let shown = ColorMode::Palette256.emitted(asked);
    assert_eq!(shown, palette_rgb(nearest_256(asked)));
    assert_ne!(shown, asked);
}

#[test]
fn the_theme_settings_in_the_config() {
    let path = std::path::Path::new("c.toml");
    let text = "[ui]\ntheme = \"high-contrast\"\n\n[theme]\nselcted_bg = \"#dbeafe\"\n";
    let parsed = triage::config::parse_reporting(text, path).unwrap();
    assert_eq!(parsed.file.ui.theme, ThemeName::HighContrast);
    // A misspelt slot is a warning with its place, not a refusal.
    let unknown: Vec<String> = parsed.unknown_keys.iter().map(|k| k.to_string()).collect();
    assert_eq!(
        unknown,
        ["c.toml:5:1: unknown key `theme.selcted_bg` (ignored)"]
    );
    let default = triage::config::parse("", path).unwrap();
    assert_eq!(default.ui.theme, ThemeName::Auto);
    // A value that is not a color is refused with its line.
    let err = triage::config::parse("[theme]\ndim = \"grey\"\n", path).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains(":2:") && shown.contains("not a color"),
        "{shown}"
    );
    let err = triage::config::parse("[ui]\ntheme = \"solarized\"\n", path).unwrap_err();
    assert!(err.to_string().contains("solarized"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn a_tag_as_white_as_the_background_is_edged_in_the_detail() {
    let detail = with_detail(loaded_state(200, 40, 50, 412));
    let light = Theme::with_palette(
        ColorMode::TrueColor,
        triage::ui::palette::built_in(ThemeName::Light),
    );
    let screen = crate::support::screen::text(&draw(&detail, light));
    assert!(screen.contains("▏snow▕"), "{screen}");
    // On the dark theme the same fill stands out alone.
    let dark = Theme::with_palette(
        ColorMode::TrueColor,
        triage::ui::palette::built_in(ThemeName::Dark),
    );
    let screen = crate::support::screen::text(&draw(&detail, dark));
    assert!(
        screen.contains(" snow ") && !screen.contains("▏snow"),
        "{screen}"
    );
}
