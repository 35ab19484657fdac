"""Cross-cutting pieces shared by every feature: plugins, signals, security, errors, Markdown."""
