"""免提交: materials and form fields provided by shared data and e-certificates instead of paper."""
