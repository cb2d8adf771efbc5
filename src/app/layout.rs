//! Screen geometry, shared by `update` (which rows are visible, where a click
//! landed) and `ui::render` (where panes go), so the two always agree.

use ratatui::layout::Rect;

/// Width from which the detail pane sits beside the list instead of over it.
pub const SIDE_BY_SIDE_MIN_WIDTH: u16 = 140;

/// Width from which the filter panel sits beside the list instead of over it.
pub const SIDE_PANEL_BESIDE_MIN_WIDTH: u16 = 100;
/// Columns of the filter panel when it sits beside the list.
pub const SIDE_PANEL_WIDTH: u16 = 42;

/// What is on screen besides the list: each part takes its room from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Chrome {
    /// The detail pane is open.
    pub detail: bool,
    /// The rate-limit banner is shown.
    pub banner: bool,
    /// The filter panel is open (left of the list).
    pub side_panel: bool,
    /// The saved-views bar is shown (one row under the header).
    pub views_bar: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// The saved-views bar, when shown.
    pub views_bar: Option<Rect>,
    /// The rate-limit banner, when one is shown.
    pub banner: Option<Rect>,
    /// The filter panel: beside the list, or over it on narrow screens.
    pub side_panel: Option<Rect>,
    /// The ticket table, column header row included.
    pub table: Rect,
    pub detail: Option<Rect>,
    pub footer: Rect,
}

impl Areas {
    pub fn compute(size: Rect, chrome: Chrome) -> Areas {
        let header_h = 2.min(size.height);
        let footer_h = 2.min(size.height.saturating_sub(header_h));
        let mut used = header_h + footer_h;
        let mut take_row = |wanted: bool| {
            let h = u16::from(wanted).min(size.height.saturating_sub(used));
            used += h;
            h
        };
        let views_h = take_row(chrome.views_bar);
        let banner_h = take_row(chrome.banner);
        let header = Rect::new(size.x, size.y, size.width, header_h);
        let views_rect = Rect::new(size.x, size.y + header_h, size.width, views_h);
        let banner_rect = Rect::new(size.x, views_rect.y + views_h, size.width, banner_h);
        let body_y = banner_rect.y + banner_h;
        let body_h = size.height.saturating_sub(used);
        let mut body = Rect::new(size.x, body_y, size.width, body_h);
        let footer = Rect::new(size.x, body_y + body_h, size.width, footer_h);
        let side_panel = if !chrome.side_panel {
            None
        } else if size.width >= SIDE_PANEL_BESIDE_MIN_WIDTH {
            let panel = Rect::new(body.x, body.y, SIDE_PANEL_WIDTH, body.height);
            body = Rect::new(
                body.x + SIDE_PANEL_WIDTH,
                body.y,
                body.width - SIDE_PANEL_WIDTH,
                body.height,
            );
            Some(panel)
        } else {
            Some(body)
        };
        let (table, detail) = if !chrome.detail {
            (body, None)
        } else if body.width >= SIDE_BY_SIDE_MIN_WIDTH {
            let left = body.width * 55 / 100;
            (
                Rect::new(body.x, body.y, left, body.height),
                Some(Rect::new(
                    body.x + left,
                    body.y,
                    body.width - left,
                    body.height,
                )),
            )
        } else {
            (body, Some(body))
        };
        Areas {
            header,
            views_bar: chrome.views_bar.then_some(views_rect),
            banner: chrome.banner.then_some(banner_rect),
            side_panel,
            table,
            detail,
            footer,
        }
    }

    /// True when the filter panel covers the table (narrow screens).
    pub fn side_panel_covers_table(&self) -> bool {
        self.side_panel == Some(self.table)
    }

    /// Ticket rows that fit in the table (its first line is the column header).
    pub fn table_rows(&self) -> usize {
        usize::from(self.table.height.saturating_sub(1))
    }

    /// True when the detail pane covers the table.
    pub fn detail_covers_table(&self) -> bool {
        self.detail == Some(self.table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome(detail: bool, banner: bool) -> Chrome {
        Chrome {
            detail,
            banner,
            ..Chrome::default()
        }
    }

    #[test]
    fn side_panel_and_views_bar_take_their_room_from_the_list() {
        let all = Chrome {
            detail: false,
            banner: true,
            side_panel: true,
            views_bar: true,
        };
        let wide = Areas::compute(Rect::new(0, 0, 120, 30), all);
        let panel = wide.side_panel.unwrap();
        assert_eq!(panel.width, SIDE_PANEL_WIDTH);
        assert_eq!(wide.table.x, SIDE_PANEL_WIDTH);
        assert_eq!(wide.table.width, 120 - SIDE_PANEL_WIDTH);
        assert_eq!(wide.views_bar.unwrap().y, 2);
        assert_eq!(wide.banner.unwrap().y, 3);
        assert_eq!(wide.table.y, 4);
        assert_eq!(wide.table.height, 30 - 2 - 2 - 2);
        let narrow = Areas::compute(Rect::new(0, 0, 80, 24), all);
        assert!(narrow.side_panel_covers_table());
    }

    #[test]
    fn narrow_detail_goes_over_wide_goes_beside() {
        let narrow = Areas::compute(Rect::new(0, 0, 80, 24), chrome(true, false));
        assert!(narrow.detail_covers_table());
        assert_eq!(narrow.table_rows(), 24 - 2 - 2 - 1);
        let wide = Areas::compute(Rect::new(0, 0, 200, 50), chrome(true, true));
        let d = wide.detail.unwrap();
        assert_eq!(wide.table.width + d.width, 200);
        assert_eq!(wide.banner.unwrap().height, 1);
        assert_eq!(wide.footer.y + wide.footer.height, 50);
    }

    #[test]
    fn tiny_screens_do_not_underflow() {
        let a = Areas::compute(Rect::new(0, 0, 3, 1), chrome(true, true));
        assert_eq!(a.table_rows(), 0);
    }
}
