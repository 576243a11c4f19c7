//! NumPy release numbers (`major.minor`): all the table and `--min-numpy` need.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32) -> Self {
        Self { major, minor }
    }

    /// NumPy 2.0, the floor assumed when a project declares none.
    pub const NUMPY_2: Version = Version::new(2, 0);

    /// NumPy 1.26, the last release before 2.0.
    pub const LAST_NUMPY_1: Version = Version::new(1, 26);
}

impl FromStr for Version {
    type Err = String;

    /// `1.25`, `2`, or a longer release such as `1.26.4` (the patch is ignored).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.trim().split('.');
        let number = |part: Option<&str>| -> Result<u32, String> {
            part.filter(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| format!("`{text}` is not a version like `1.25`"))?
                .parse()
                .map_err(|_| format!("`{text}` is not a version like `1.25`"))
        };
        let major = number(parts.next())?;
        let minor = match parts.next() {
            None => 0,
            some => number(some)?,
        };
        Ok(Self { major, minor })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        assert_eq!("1.25".parse::<Version>(), Ok(Version::new(1, 25)));
        assert_eq!("2".parse::<Version>(), Ok(Version::new(2, 0)));
        assert_eq!("1.26.4".parse::<Version>(), Ok(Version::new(1, 26)));
        assert!("1.x".parse::<Version>().is_err());
        assert!(Version::new(1, 25) < Version::new(2, 0));
        assert!(Version::new(1, 9) < Version::new(1, 25));
    }
}
