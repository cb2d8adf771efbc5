//! Screen geometry, shared by `update` (which rows are visible, where a click
//! landed) and `ui::render` (where panes go), so the two always agree.

use ratatui::layout::Rect;

/// Width from which the detail pane sits beside the list instead of over it.
pub const SIDE_BY_SIDE_MIN_WIDTH: u16 = 140;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// The rate-limit banner, when one is shown.
    pub banner: Option<Rect>,
    /// The ticket table, column header row included.
    pub table: Rect,
    pub detail: Option<Rect>,
    pub footer: Rect,
}

impl Areas {
    pub fn compute(size: Rect, detail_open: bool, banner: bool) -> Areas {
        let header_h = 2.min(size.height);
        let footer_h = 2.min(size.height.saturating_sub(header_h));
        let banner_h = u16::from(banner).min(size.height.saturating_sub(header_h + footer_h));
        let header = Rect::new(size.x, size.y, size.width, header_h);
        let banner_rect = Rect::new(size.x, size.y + header_h, size.width, banner_h);
        let body_y = banner_rect.y + banner_h;
        let body_h = size.height.saturating_sub(header_h + footer_h + banner_h);
        let body = Rect::new(size.x, body_y, size.width, body_h);
        let footer = Rect::new(size.x, body_y + body_h, size.width, footer_h);
        let (table, detail) = if !detail_open {
            (body, None)
        } else if size.width >= SIDE_BY_SIDE_MIN_WIDTH {
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
            banner: banner.then_some(banner_rect),
            table,
            detail,
            footer,
        }
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

    #[test]
    fn narrow_detail_goes_over_wide_goes_beside() {
        let narrow = Areas::compute(Rect::new(0, 0, 80, 24), true, false);
        assert!(narrow.detail_covers_table());
        assert_eq!(narrow.table_rows(), 24 - 2 - 2 - 1);
        let wide = Areas::compute(Rect::new(0, 0, 200, 50), true, true);
        let d = wide.detail.unwrap();
        assert_eq!(wide.table.width + d.width, 200);
        assert_eq!(wide.banner.unwrap().height, 1);
        assert_eq!(wide.footer.y + wide.footer.height, 50);
    }

    #[test]
    fn tiny_screens_do_not_underflow() {
        let a = Areas::compute(Rect::new(0, 0, 3, 1), true, true);
        assert_eq!(a.table_rows(), 0);
    }
}
