//! What the local server keeps on the heap per generated ticket, counted by
//! a global allocator that tracks live bytes. `triage serve --tickets
//! 100000` must stay under 150 MB peak RSS (`benches/measure_server.sh`
//! measures the real binary); this pins the part that grows with tickets.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use triage::server::{ServerConfig, ServerState};

struct LiveBytes;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for LiveBytes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as received.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as received.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LiveBytes = LiveBytes;

// The only test of this binary: nothing else allocates while it counts.
#[test]
fn a_generated_ticket_costs_under_a_kilobyte_of_heap_with_its_index() {
    const TICKETS: usize = 20_000;
    let config = ServerConfig {
        tickets: TICKETS,
        now: DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .expect("fixed instant"),
        ..ServerConfig::default()
    };
    let before = LIVE.load(Ordering::Relaxed);
    let state = ServerState::new(config);
    let per_ticket = LIVE.load(Ordering::Relaxed).saturating_sub(before) / TICKETS;
    // 1 461 bytes when the messages were kept as records and text; 883
    // since a generated conversation is written out when it is read.
    assert!(per_ticket < 1_000, "{per_ticket} bytes per ticket");
    assert_eq!(state.with_data(|d| d.tickets.len()), TICKETS);
}
