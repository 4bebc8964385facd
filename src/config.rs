//! One typed `Config` from the environment and flags.
