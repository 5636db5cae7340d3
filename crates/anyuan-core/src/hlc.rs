//! The hybrid logical clock (HLC) that orders every write.
//!
//! A stamp is `(ms, counter, device)`: wall-clock milliseconds since the Unix
//! epoch, a counter that orders events within one millisecond (or while the
//! wall clock lags behind stamps already seen), and the device that made it.
//! The order is total and lexicographic over that triple.
//!
//! # String form
//!
//! A stamp serialises as one fixed-width string of 43 ASCII characters:
//!
//! ```text
//! 001731234567890-0000000003-9f8e7d6c5b4a3921
//! └ ms: 15 decimal ┘ └ counter: 10 ┘ └ device: 16 lowercase hex ┘
//! ```
//!
//! Every part is zero-padded to a fixed width and the separators sit at fixed
//! positions, so the byte-wise (SQL `TEXT`, `COLLATE "C"` / `BINARY`) order of
//! the strings equals the order of the stamps. 15 decimal digits of
//! milliseconds reach the year 33658; the counter holds any `u32`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest millisecond value a stamp can carry (15 decimal digits).
pub const MAX_MS: u64 = 999_999_999_999_999;

/// The length of a stamp's string form.
pub const HLC_STRING_LEN: usize = 43;

/// A device's identity: a random 64-bit number chosen once by the caller (the
/// app when it is installed, the server per process).
///
/// Serialised as a 16-character lowercase hex string, never as a JSON number,
/// because JavaScript cannot hold every `u64`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceId(pub u64);

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl FromStr for DeviceId {
    type Err = HlcParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 16 || !s.bytes().all(is_lower_hex) {
            return Err(HlcParseError::BadDevice);
        }
        u64::from_str_radix(s, 16)
            .map(DeviceId)
            .map_err(|_| HlcParseError::BadDevice)
    }
}

impl Serialize for DeviceId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DeviceId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// Why a string is not a stamp or a device id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HlcParseError {
    /// Not exactly `MMMMMMMMMMMMMMM-CCCCCCCCCC-DDDDDDDDDDDDDDDD`.
    #[error("a stamp is 43 characters: 15 digits, '-', 10 digits, '-', 16 lowercase hex digits")]
    BadShape,
    /// The counter does not fit a `u32`.
    #[error("the stamp's counter does not fit 32 bits")]
    CounterOverflow,
    /// A device id is not 16 lowercase hex digits.
    #[error("a device id is 16 lowercase hex digits")]
    BadDevice,
}

/// A hybrid logical clock stamp. Ordered by `(ms, counter, device)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch, at most [`MAX_MS`].
    pub ms: u64,
    /// Orders stamps that share `ms`.
    pub counter: u32,
    /// The device that made the stamp; breaks ties between devices.
    pub device: DeviceId,
}

impl Hlc {
    /// A stamp.
    pub fn new(ms: u64, counter: u32, device: DeviceId) -> Hlc {
        Hlc {
            ms,
            counter,
            device,
        }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Saturating keeps the width fixed; clocks never produce larger values
        // and the server re-stamps anything far in the future.
        write!(
            f,
            "{:015}-{:010}-{}",
            self.ms.min(MAX_MS),
            self.counter,
            self.device
        )
    }
}

impl FromStr for Hlc {
    type Err = HlcParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() != HLC_STRING_LEN || b[15] != b'-' || b[26] != b'-' {
            return Err(HlcParseError::BadShape);
        }
        if !b[..15].iter().chain(&b[16..26]).all(u8::is_ascii_digit) {
            return Err(HlcParseError::BadShape);
        }
        let ms: u64 = s[..15].parse().map_err(|_| HlcParseError::BadShape)?;
        let counter: u32 = s[16..26]
            .parse()
            .map_err(|_| HlcParseError::CounterOverflow)?;
        let device: DeviceId = s[27..].parse()?;
        Ok(Hlc {
            ms,
            counter,
            device,
        })
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.ms > MAX_MS {
            return Err(serde::ser::Error::custom(
                "stamp milliseconds exceed 15 digits",
            ));
        }
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One device's clock: the last stamp it issued or observed.
///
/// Plain data so the app can store it; the caller passes the wall-clock time
/// into every call (this crate reads no clocks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// The device this clock stamps for.
    pub device: DeviceId,
    /// The highest `(ms, counter)` issued or observed so far.
    pub last_ms: u64,
    /// See `last_ms`.
    pub last_counter: u32,
}

impl Clock {
    /// A fresh clock that has seen nothing.
    pub fn new(device: DeviceId) -> Clock {
        Clock {
            device,
            last_ms: 0,
            last_counter: 0,
        }
    }

    /// A clock resumed after a restart: it will only issue stamps above
    /// `highest`, the largest stamp this device issued or saw (for the server,
    /// `MAX(stamp)` of its change log).
    pub fn resume(device: DeviceId, highest: Option<Hlc>) -> Clock {
        let mut c = Clock::new(device);
        if let Some(h) = highest {
            c.last_ms = h.ms.min(MAX_MS);
            c.last_counter = h.counter;
        }
        c
    }

    /// The last `(ms, counter)` as a stamp of this device.
    pub fn last(&self) -> Hlc {
        Hlc::new(self.last_ms, self.last_counter, self.device)
    }

    /// A new stamp for a local event. Strictly greater than every stamp this
    /// clock issued or observed before, even if the wall clock went backwards.
    pub fn tick(&mut self, wall_ms: u64) -> Hlc {
        let wall = wall_ms.min(MAX_MS);
        if wall > self.last_ms {
            self.last_ms = wall;
            self.last_counter = 0;
        } else {
            self.bump();
        }
        self.last()
    }

    /// Folds in a stamp received from elsewhere (the standard HLC receive
    /// rule), so that the next [`tick`](Self::tick) is above it. Returns the
    /// clock's new position, which is above both `remote` and every earlier
    /// stamp of this clock.
    pub fn observe(&mut self, remote: &Hlc, wall_ms: u64) -> Hlc {
        let wall = wall_ms.min(MAX_MS);
        let remote_ms = remote.ms.min(MAX_MS);
        let ms = wall.max(self.last_ms).max(remote_ms);
        if ms == self.last_ms && ms == remote_ms {
            self.last_counter = self.last_counter.max(remote.counter);
            self.bump();
        } else if ms == self.last_ms {
            self.bump();
        } else if ms == remote_ms {
            self.last_ms = ms;
            self.last_counter = remote.counter;
            self.bump();
        } else {
            self.last_ms = ms;
            self.last_counter = 0;
        }
        self.last()
    }

    fn bump(&mut self) {
        if self.last_counter == u32::MAX {
            self.last_ms += 1;
            self.last_counter = 0;
        } else {
            self.last_counter += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const D: DeviceId = DeviceId(0x0123_4567_89ab_cdef);

    #[test]
    fn string_form_is_fixed_width_and_documented() {
        let h = Hlc::new(1_731_234_567_890, 3, DeviceId(0x9f8e_7d6c_5b4a_3921));
        assert_eq!(h.to_string(), "001731234567890-0000000003-9f8e7d6c5b4a3921");
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            "\"001731234567890-0000000003-9f8e7d6c5b4a3921\""
        );
        assert_eq!(h.to_string().parse::<Hlc>().unwrap(), h);
        let max = Hlc::new(MAX_MS, u32::MAX, DeviceId(u64::MAX));
        assert_eq!(max.to_string().len(), HLC_STRING_LEN);
        assert_eq!(max.to_string().parse::<Hlc>().unwrap(), max);
    }

    #[test]
    fn device_ids_are_hex_strings_not_numbers() {
        assert_eq!(serde_json::to_string(&D).unwrap(), "\"0123456789abcdef\"");
        assert_eq!(
            serde_json::from_str::<DeviceId>("\"0123456789abcdef\"").unwrap(),
            D
        );
        assert!(serde_json::from_str::<DeviceId>("81985529216486895").is_err());
        assert!(serde_json::from_str::<DeviceId>("\"0123456789ABCDEF\"").is_err());
        assert!(serde_json::from_str::<DeviceId>("\"123\"").is_err());
    }

    #[test]
    fn malformed_stamps_are_rejected() {
        for bad in [
            "",
            "001731234567890-0000000003-9f8e7d6c5b4a392",
            "001731234567890_0000000003-9f8e7d6c5b4a3921",
            "00173123456789a-0000000003-9f8e7d6c5b4a3921",
            "001731234567890-0000000003-9F8E7D6C5B4A3921",
            "+01731234567890-0000000003-9f8e7d6c5b4a3921",
        ] {
            assert!(bad.parse::<Hlc>().is_err(), "{bad}");
        }
        assert_eq!(
            "001731234567890-9999999999-9f8e7d6c5b4a3921".parse::<Hlc>(),
            Err(HlcParseError::CounterOverflow)
        );
        assert!(serde_json::to_string(&Hlc::new(MAX_MS + 1, 0, D)).is_err());
    }

    #[test]
    fn tick_is_strictly_increasing_when_the_wall_clock_goes_backwards() {
        let mut c = Clock::new(D);
        let a = c.tick(1_000);
        let b = c.tick(1_000);
        let z = c.tick(10); // wall clock jumped back
        let d = c.tick(2_000);
        assert_eq!(a, Hlc::new(1_000, 0, D));
        assert_eq!(b, Hlc::new(1_000, 1, D));
        assert_eq!(z, Hlc::new(1_000, 2, D));
        assert_eq!(d, Hlc::new(2_000, 0, D));
    }

    #[test]
    fn counter_overflow_moves_to_the_next_millisecond() {
        let mut c = Clock::resume(D, Some(Hlc::new(5, u32::MAX, DeviceId(9))));
        assert_eq!(c.tick(0), Hlc::new(6, 0, D));
    }

    #[test]
    fn observe_follows_the_hlc_receive_rule() {
        let other = DeviceId(7);
        let mut c = Clock::new(D);
        c.tick(100);
        // Remote ahead of both: adopt its ms and counter + 1.
        assert_eq!(
            c.observe(&Hlc::new(500, 4, other), 200),
            Hlc::new(500, 5, D)
        );
        // Wall ahead of both: wall time, counter 0.
        assert_eq!(
            c.observe(&Hlc::new(400, 9, other), 900),
            Hlc::new(900, 0, D)
        );
        // All equal ms: max counter + 1.
        assert_eq!(
            c.observe(&Hlc::new(900, 7, other), 900),
            Hlc::new(900, 8, D)
        );
        // Local ahead: bump local counter.
        assert_eq!(c.observe(&Hlc::new(10, 70, other), 50), Hlc::new(900, 9, D));
        assert!(c.tick(0) > Hlc::new(900, 9, other));
    }

    #[test]
    fn resume_issues_stamps_above_the_persisted_maximum() {
        let mut c = Clock::resume(D, Some(Hlc::new(5_000, 3, DeviceId(1))));
        assert!(c.tick(10) > Hlc::new(5_000, 3, DeviceId(u64::MAX)));
        let state: Clock = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(state, c);
    }

    fn hlc() -> impl Strategy<Value = Hlc> {
        (0..=MAX_MS, any::<u32>(), any::<u64>()).prop_map(|(m, c, d)| Hlc::new(m, c, DeviceId(d)))
    }

    proptest! {
        #[test]
        fn string_order_equals_stamp_order(a in hlc(), b in hlc()) {
            prop_assert_eq!(a.to_string().cmp(&b.to_string()), a.cmp(&b));
            prop_assert_eq!(a.to_string().parse::<Hlc>().unwrap(), a);
        }

        #[test]
        fn every_issued_stamp_exceeds_everything_before(
            events in proptest::collection::vec((any::<bool>(), 0u64..10_000, hlc()), 1..60)
        ) {
            let mut c = Clock::new(D);
            let mut high: Option<Hlc> = None;
            for (is_tick, wall, remote) in events {
                let remote = Hlc::new(remote.ms % 20_000, remote.counter % 5, remote.device);
                let h = if is_tick { c.tick(wall) } else { c.observe(&remote, wall) };
                if let Some(prev) = high { prop_assert!(h > prev); }
                prop_assert!(h.ms >= wall);
                if !is_tick { prop_assert!((h.ms, h.counter) > (remote.ms, remote.counter)); }
                high = Some(h);
            }
        }
    }
}
