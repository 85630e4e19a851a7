//! When to read a key file again, without I/O: the caller stats and reads the file,
//! [`KeyFileWatch`] decides (the nginx module's `jwtguard_keys_file`, and any program
//! that keeps keys in a file another program rewrites).
//!
//! Security contract:
//! - a file is looked at once per interval at most ([`KeyFileWatch::check_due`]); a
//!   clock stepped back never stops the checks for longer than the step;
//! - a version differing from the one loaded in modification time (to the nanosecond
//!   where the system has it), size or file identity (inode) is read;
//! - a version loaded in the very second it was last modified is read once more: on a
//!   file system with coarse timestamps a rewrite within that second can keep the same
//!   time and size, and the file would otherwise keep keys that were removed;
//! - a file that cannot be read or does not load keeps the keys in use (the caller never
//!   replaces them), and is read again at every check until a version loads;
//!   [`KeyFileWatch::failed`] says which failures are new, for the log.

/// What tells one version of a file from another, as `stat` gives it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileVersion {
    /// Modification time, Unix seconds.
    pub mtime: i64,
    /// Its nanoseconds (0 where the system has none).
    pub mtime_nsec: i64,
    /// Size in bytes.
    pub size: u64,
    /// File identity (the inode number, or the system's equivalent).
    pub id: u64,
}

/// What [`KeyFileWatch::change`] makes of a version of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileChange {
    /// The version loaded: nothing to read.
    Unchanged,
    /// Another version (or none loaded yet): read and load it.
    Changed,
    /// The version loaded, which was loaded in the second it was last modified: read it
    /// once more, in case it was rewritten within that second.
    ReadAgain,
}

/// The watch over one key file (see the module contract).
#[derive(Clone, Debug)]
pub struct KeyFileWatch {
    interval: u64,
    checked: u64,
    loaded: Option<FileVersion>,
    unsure: bool,
    failed: Option<FileVersion>,
}

impl KeyFileWatch {
    /// A watch that looks at the file every `interval` seconds, first `interval`
    /// seconds after `now` (the caller loads the file when it starts watching).
    pub const fn new(interval: u64, now: u64) -> KeyFileWatch {
        KeyFileWatch { interval, checked: now, loaded: None, unsure: false, failed: None }
    }

    /// Seconds between two looks at the file.
    pub const fn interval(&self) -> u64 {
        self.interval
    }

    /// Looks at the file at least every `interval` seconds from now on (the shortest
    /// interval asked for wins, when several users share a file).
    pub fn shorten_interval(&mut self, interval: u64) {
        self.interval = self.interval.min(interval);
    }

    /// True when the file is to be looked at (`stat`) at `now`, which then counts as the
    /// last look.
    pub fn check_due(&mut self, now: u64) -> bool {
        let due = now < self.checked || now - self.checked >= self.interval;
        if due {
            self.checked = now;
        }
        due
    }

    /// What to do with `version`, the one the file has now.
    pub fn change(&self, version: &FileVersion) -> FileChange {
        match self.loaded {
            Some(loaded) if loaded == *version && self.unsure => FileChange::ReadAgain,
            Some(loaded) if loaded == *version => FileChange::Unchanged,
            _ => FileChange::Changed,
        }
    }

    /// `version` was read and loaded at `now` (the version of the file that was read:
    /// `fstat` of the open file).
    pub fn loaded(&mut self, version: FileVersion, now: u64) {
        self.loaded = Some(version);
        self.unsure = version.mtime >= i64::try_from(now).unwrap_or(i64::MAX);
    }

    /// `version` could not be read or did not load (the keys in use stay). True the
    /// first time this version fails, false while the same version keeps failing: log
    /// the first at error level and the others quieter.
    pub fn failed(&mut self, version: FileVersion) -> bool {
        let first = self.failed != Some(version);
        self.failed = Some(version);
        first
    }
}

#[cfg(test)]
mod tests {
    use super::{FileChange, FileVersion, KeyFileWatch};

    const NOW: u64 = 1_700_000_000;

    fn version(mtime: u64, size: u64) -> FileVersion {
        FileVersion { mtime: mtime as i64, mtime_nsec: 0, size, id: 7 }
    }

    #[test]
    fn the_file_is_looked_at_once_per_interval_and_after_a_clock_step_back() {
        let mut watch = KeyFileWatch::new(5, NOW);
        assert!(!watch.check_due(NOW) && !watch.check_due(NOW + 4));
        assert!(watch.check_due(NOW + 5));
        assert!(!watch.check_due(NOW + 9));
        assert!(watch.check_due(NOW + 3), "the clock stepped back: looked at now");
        assert!(!watch.check_due(NOW + 4));
        watch.shorten_interval(60);
        assert_eq!(watch.interval(), 5);
        watch.shorten_interval(1);
        assert!(watch.check_due(NOW + 4));
    }

    #[test]
    fn any_difference_is_a_change() {
        let mut watch = KeyFileWatch::new(5, NOW);
        let v = version(NOW - 100, 300);
        assert_eq!(watch.change(&v), FileChange::Changed, "nothing loaded yet");
        watch.loaded(v, NOW);
        assert_eq!(watch.change(&v), FileChange::Unchanged);
        for other in [
            FileVersion { mtime_nsec: 1, ..v },
            FileVersion { size: 301, ..v },
            FileVersion { id: 8, ..v },
            FileVersion { mtime: v.mtime + 1, ..v },
        ] {
            assert_eq!(watch.change(&other), FileChange::Changed, "{other:?}");
        }
    }

    #[test]
    fn a_file_loaded_in_the_second_it_was_written_is_read_once_more() {
        let mut watch = KeyFileWatch::new(1, NOW);
        let v = version(NOW, 300);
        watch.loaded(v, NOW);
        assert_eq!(watch.change(&v), FileChange::ReadAgain);
        // Read again a second later: now it is sure.
        watch.loaded(v, NOW + 1);
        assert_eq!(watch.change(&v), FileChange::Unchanged);
        // A clock behind the file's time stays unsure.
        watch.loaded(version(NOW + 10, 1), NOW);
        assert_eq!(watch.change(&version(NOW + 10, 1)), FileChange::ReadAgain);
    }

    #[test]
    fn a_failure_is_new_once_per_version() {
        let mut watch = KeyFileWatch::new(5, NOW);
        let (a, b) = (version(NOW - 10, 1), version(NOW - 5, 2));
        assert!(watch.failed(a));
        assert!(!watch.failed(a));
        assert!(watch.failed(b));
        assert!(watch.failed(a));
        // Loading does not forget a failed version: the same broken file is not new.
        watch.loaded(version(NOW - 1, 3), NOW);
        assert!(!watch.failed(a));
    }
}
