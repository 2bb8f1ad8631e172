"""Reminders the operating system runs: `backpain remind add` writes a systemd timer, a
crontab line, a LaunchAgent or a scheduled task that runs `backpain today --notify`.

Pure text generation lives in one module per scheduler (systemd, cron, launchd,
windows); `installer` is the only part that writes files, and commands run only through
`runner` (the installer's and the notifier's, `notify`), which they take as an argument
so tests pass fakes.
"""
