"""What travels between machines and people: routines with their pictures (`add`,
`pack`), and histories (export, import, a shared sync folder)."""
