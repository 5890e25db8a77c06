"""Where an archive lives, and what that risks.

SQLite's write-ahead log relies on shared memory between the programs using a
database, which only works on one machine: on a network share, or in a folder a sync
tool copies between machines, two computers writing at once can corrupt it. Sync
tools also leave "conflict copies" of a database beside it. Clippings never opens
those as the archive (it opens exactly ``clippings.sqlite3``), but says they are
there, since they may hold changes made on another computer.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: File system types that live on another machine.
NETWORK_FILE_SYSTEMS = {
    "nfs": "an NFS network share",
    "nfs4": "an NFS network share",
    "cifs": "a Windows (SMB) network share",
    "smb3": "a Windows (SMB) network share",
    "smbfs": "a Windows (SMB) network share",
    "fuse.sshfs": "an SSH (sshfs) mount",
    "9p": "a shared folder of a virtual machine",
    "afs": "an AFS network share",
    "ceph": "a Ceph network file system",
    "glusterfs": "a GlusterFS network file system",
    "fuse.rclone": "an rclone cloud mount",
    "davfs": "a WebDAV mount",
    "fuse.gvfsd-fuse": "a network location mounted by the desktop",
}

#: Marker files or folders a sync tool keeps at the top of what it syncs.
SYNC_MARKERS = {
    ".dropbox": "Dropbox",
    ".dropbox.cache": "Dropbox",
    ".stfolder": "Syncthing",
    ".sync": "Resilio Sync",
    ".owncloudsync.log": "ownCloud or Nextcloud",
    ".nextcloudsync.log": "Nextcloud",
}

#: Folder names sync tools give the folder they sync.
SYNC_FOLDER_NAMES = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "icloud drive": "iCloud Drive",
    "icloudDrive".lower(): "iCloud Drive",
    "pclouddrive": "pCloud",
    "mega": "MEGA",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "seafile": "Seafile",
}

_CONFLICT_COPY = re.compile(r"^clippings.+\.sqlite3$", re.IGNORECASE)


def file_system_type(path: Path) -> str | None:
    """The type of the file system holding ``path`` (Linux: from the mount table)."""
    try:
        mounts = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    target = os.path.realpath(path)
    best, best_type = "", None
    for line in mounts.splitlines():
        fields = line.split(" - ", 1)
        if len(fields) != 2:
            continue
        left, right = fields[0].split(), fields[1].split()
        if len(left) < 5 or not right:
            continue
        mount_point = left[4].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, right[0]
    return best_type


def sync_tool(path: Path) -> str | None:
    """The sync tool whose folder holds ``path``, if any is recognised."""
    for folder in (path, *path.parents):
        for marker, tool in SYNC_MARKERS.items():
            if (folder / marker).exists():
                return tool
        name = folder.name.lower()
        for known, tool in SYNC_FOLDER_NAMES.items():
            if name == known or name.startswith(known + " "):
                return tool
    return None


def conflict_copies(path: Path) -> list[str]:
    """Names of database copies a sync tool left in the archive folder."""
    try:
        names = sorted(entry.name for entry in path.iterdir())
    except OSError:
        return []
    return [
        name
        for name in names
        if _CONFLICT_COPY.match(name)
        and name not in ("clippings.sqlite3",)
        and not name.endswith(("-wal", "-shm"))
    ]


def location_warnings(path: Path) -> list[str]:
    """What the user should know about where the archive at ``path`` lives."""
    path = Path(os.path.realpath(path))
    found = []
    kind = file_system_type(path)
    share = NETWORK_FILE_SYSTEMS.get(kind or "")
    if share:
        found.append(
            f"This archive is on {share}. Its database is safe there only while one "
            "computer at a time uses it: close Clippings on the other computers first, "
            "or keep the archive on a local disk and share a backup."
        )
    tool = sync_tool(path)
    if tool:
        found.append(
            f"This archive is in a folder that {tool} syncs. Using it on two computers "
            "at once can damage its database: use it on one computer at a time and let "
            f"{tool} finish syncing before you open it elsewhere."
        )
    copies = conflict_copies(path)
    if copies:
        shown = ", ".join(copies[:3]) + (", …" if len(copies) > 3 else "")
        found.append(
            f"The archive folder holds copies of its database that a sync tool made "
            f"({shown}). Clippings does not use them; they may hold changes made on "
            "another computer."
        )
    return found
