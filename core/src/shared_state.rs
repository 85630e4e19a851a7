//! A key source's schedule as bytes that processes share (e.g. nginx workers through
//! a shared-memory zone), so that one process fetches for all.
//!
//! The caller keeps [`SHARED_STATE_LEN`] bytes per source where every process sees
//! them, with the fetched documents beside them, and holds its own lock around
//! [`KeySource::load_shared`](crate::key_source::KeySource::load_shared), the operation
//! and [`KeySource::save_shared`](crate::key_source::KeySource::save_shared). The
//! bytes carry the whole schedule (when the next fetch is due, the fetch under way and
//! when it started, the failures, the last unknown-`kid` refetch), a count of the
//! documents fetched so far (a process whose own count is lower adopts the stored
//! documents) and a stamp that changes whenever anything else does (a process whose
//! last stamp differs syncs; reading it without the lock is only a hint).
//!
//! Security contract: decoding never panics, whatever the bytes; content that is not a
//! record this module wrote (all zeros at first, another layout) decodes as no record,
//! and the process keeps its own schedule and writes a record over it. The record is
//! trusted as far as its schedule goes (only processes of the caller's own server may
//! write it: keep it in memory no one else can map); documents stored beside it are
//! loaded and checked like fetched ones.

/// Bytes of a shared record.
pub const SHARED_STATE_LEN: usize = 64;

/// How often a process whose request waits for a fetch under way in another process
/// looks again, in milliseconds (it is not woken when that fetch ends).
pub const SHARED_POLL_MS: u64 = 100;

use crate::key_source::FetchWhat;

const MAGIC: [u8; 8] = *b"jwgshr01";

/// The schedule part of a key source (see [`crate::key_source`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Schedule {
    pub(crate) needs_configuration: bool,
    pub(crate) due: u64,
    /// The claimed fetch: which document, and when it started.
    pub(crate) in_flight: Option<(FetchWhat, u64)>,
    pub(crate) failures: u32,
    pub(crate) last_kid_miss: Option<u64>,
    pub(crate) kid_miss_pending: bool,
}

/// One record: the schedule, the documents count and the stamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) schedule: Schedule,
    pub(crate) documents: u64,
    pub(crate) stamp: u64,
}

fn u64_at(bytes: &[u8; SHARED_STATE_LEN], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

impl Record {
    /// The record in `bytes`, or `None` when they hold none (see the module contract).
    pub(crate) fn decode(bytes: &[u8; SHARED_STATE_LEN]) -> Option<Record> {
        if bytes[..8] != MAGIC || bytes[54..].iter().any(|&b| b != 0) {
            return None;
        }
        let flags = bytes[53];
        if flags & !0b111 != 0 {
            return None;
        }
        let mut failures = [0u8; 4];
        failures.copy_from_slice(&bytes[48..52]);
        let in_flight = match bytes[52] {
            0 => None,
            1 => Some((FetchWhat::OpenIdConfiguration, u64_at(bytes, 32))),
            2 => Some((FetchWhat::Jwks, u64_at(bytes, 32))),
            _ => return None,
        };
        let schedule = Schedule {
            needs_configuration: flags & 1 != 0,
            kid_miss_pending: flags & 2 != 0,
            last_kid_miss: (flags & 4 != 0).then(|| u64_at(bytes, 40)),
            due: u64_at(bytes, 24),
            in_flight,
            failures: u32::from_le_bytes(failures),
        };
        Some(Record { schedule, documents: u64_at(bytes, 16), stamp: u64_at(bytes, 8) })
    }

    /// Writes the record into `bytes`.
    pub(crate) fn encode(&self, bytes: &mut [u8; SHARED_STATE_LEN]) {
        let s = &self.schedule;
        let (what, started) = match s.in_flight {
            None => (0u8, 0),
            Some((FetchWhat::OpenIdConfiguration, started)) => (1, started),
            Some((FetchWhat::Jwks, started)) => (2, started),
        };
        let flags = u8::from(s.needs_configuration)
            | (u8::from(s.kid_miss_pending) << 1)
            | (u8::from(s.last_kid_miss.is_some()) << 2);
        *bytes = [0; SHARED_STATE_LEN];
        bytes[..8].copy_from_slice(&MAGIC);
        for (at, word) in
            [(8, self.stamp), (16, self.documents), (24, s.due), (32, started), (40, s.last_kid_miss.unwrap_or(0))]
        {
            bytes[at..at + 8].copy_from_slice(&word.to_le_bytes());
        }
        bytes[48..52].copy_from_slice(&s.failures.to_le_bytes());
        bytes[52] = what;
        bytes[53] = flags;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_anything_else_is_none() {
        let record = Record {
            schedule: Schedule {
                needs_configuration: true,
                due: 7,
                in_flight: Some((FetchWhat::Jwks, 5)),
                failures: 3,
                last_kid_miss: Some(2),
                kid_miss_pending: true,
            },
            documents: 9,
            stamp: 4,
        };
        let mut bytes = [0u8; SHARED_STATE_LEN];
        assert_eq!(Record::decode(&bytes), None, "zeros: no record yet");
        record.encode(&mut bytes);
        assert_eq!(Record::decode(&bytes), Some(record));
        let mut foreign = bytes;
        foreign[52] = 3;
        assert_eq!(Record::decode(&foreign), None);
        let mut foreign = bytes;
        foreign[63] = 1;
        assert_eq!(Record::decode(&foreign), None);
        let mut foreign = bytes;
        foreign[53] = 0x10;
        assert_eq!(Record::decode(&foreign), None);
    }
}
