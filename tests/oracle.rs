//! Placeholder until the oracle test lands.
