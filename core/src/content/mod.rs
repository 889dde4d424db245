//! Content (CON-1..CON-8). This module grows with the content issue; today it
//! holds the compliance checker (CON-3): `compliance`.

pub mod compliance;
