//! Helpers of the behaviour suite.
