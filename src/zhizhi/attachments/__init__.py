"""Attachments: photos and files of cases, checked, oriented, stripped of EXIF and stored through a
storage port (local directory or S3-compatible object storage). docs/attachments.md"""
