#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    scalefit_fuzz::harness::series_input_case(data);
});
