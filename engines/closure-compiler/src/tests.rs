//! Each tuning fires on the programs of its class, and changes nothing
//! they print.
