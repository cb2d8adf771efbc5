//! The panes of the filter panel, in `Tab` order.

/// One pane per filter of `GET /tickets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneKind {
    Status,
    Priority,
    Assignee,
    Inbox,
    Tags,
    Fields,
    Dates,
}

impl PaneKind {
    pub const ALL: [PaneKind; 7] = [
        PaneKind::Status,
        PaneKind::Priority,
        PaneKind::Assignee,
        PaneKind::Inbox,
        PaneKind::Tags,
        PaneKind::Fields,
        PaneKind::Dates,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PaneKind::Status => "Status",
            PaneKind::Priority => "Priority",
            PaneKind::Assignee => "Assignee",
            PaneKind::Inbox => "Inbox",
            PaneKind::Tags => "Tags · has all of",
            PaneKind::Fields => "Custom fields",
            PaneKind::Dates => "Dates",
        }
    }

    fn index(self) -> usize {
        PaneKind::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// `Tab`.
    pub fn next(self) -> PaneKind {
        PaneKind::ALL[(self.index() + 1) % PaneKind::ALL.len()]
    }

    /// `Shift-Tab`.
    pub fn prev(self) -> PaneKind {
        let n = PaneKind::ALL.len();
        PaneKind::ALL[(self.index() + n - 1) % n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_cycles_through_every_pane_both_ways() {
        let mut p = PaneKind::Status;
        for _ in 0..PaneKind::ALL.len() {
            assert_eq!(p.next().prev(), p);
            p = p.next();
        }
        assert_eq!(p, PaneKind::Status);
        assert_eq!(PaneKind::Status.prev(), PaneKind::Dates);
    }
}
