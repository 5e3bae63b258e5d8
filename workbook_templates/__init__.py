"""Form declarations (*.toml) and the blank templates built from them (blank/)."""
