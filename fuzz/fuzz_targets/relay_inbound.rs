//! The relay's input path: what a peer sends, checked message by message before samod
//! sees it. The input is split into messages at each 0xFF 0xFE pair, so a run can hold
//! a join followed by others. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use throughline_relay::inbound::Inbound;

fuzz_target!(|data: &[u8]| {
    let mut inbound = Inbound::new(16);
    let mut rest = data;
    loop {
        let split = rest.windows(2).position(|w| w == [0xFF, 0xFE]);
        let (message, more) = match split {
            Some(at) => (&rest[..at], Some(&rest[at + 2..])),
            None => (rest, None),
        };
        if inbound.check(message).is_err() {
            // The relay closes the connection here.
            return;
        }
        match more {
            Some(more) => rest = more,
            None => return,
        }
    }
});
