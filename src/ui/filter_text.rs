//! The active filter in its text form for the header: token by token, so a
//! long filter is cut between tokens ("… +3 more") rather than inside one,
//! and tokens the server refused (400) stand out.

use ratatui::text::Span;

use super::Theme;
use super::text::{fit, width};
use crate::app::State;
use crate::app::filter_tokens::spans_for_param;
use crate::filter::format;
use crate::filter::text::lex::tokens;
use crate::text::sanitize;

/// The filter's tokens as spans within `room` cells.
pub fn spans(state: &State, theme: &Theme, room: usize) -> Vec<Span<'static>> {
    let text = format(&state.list.filter);
    let Ok(toks) = tokens(&text) else {
        // The formatter's output always tokenizes; draw it whole if not.
        return vec![Span::raw(fit(&sanitize(&text), room).into_owned())];
    };
    let refused: Vec<_> = state
        .filter_errors
        .iter()
        .flat_map(|e| spans_for_param(&text, &e.param))
        .collect();
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (n, tok) in toks.iter().enumerate() {
        let shown = sanitize(tok.text).into_owned();
        let sep = usize::from(n > 0);
        let left = toks.len() - n - 1;
        // Room for "… +N more" unless this is the last token.
        let tail = if left == 0 { 0 } else { width(&more(left)) + 1 };
        let w = width(&shown);
        if used + sep + w + tail > room {
            if n == 0 {
                out.push(Span::raw(fit(&shown, room).into_owned()));
            } else {
                let rest = more(toks.len() - n);
                if used + 1 + width(&rest) <= room {
                    out.push(Span::styled(format!(" {rest}"), theme.dim()));
                }
            }
            break;
        }
        if sep == 1 {
            out.push(Span::raw(" "));
        }
        let style = if refused.contains(&tok.span) {
            theme.error()
        } else {
            ratatui::style::Style::default()
        };
        out.push(Span::styled(shown, style));
        used += sep + w;
    }
    out
}

fn more(n: usize) -> String {
    format!("… +{n} more")
}
