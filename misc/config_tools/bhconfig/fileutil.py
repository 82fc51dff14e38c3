"""Writing generated files so that make rebuilds only what really changed."""
import os


def write_if_changed(path, text):
    """Writes `text` to `path` unless it already holds exactly that (the
    timestamp then stays, and nothing depending on it rebuilds). The write
    goes through a temporary file, so a reader never sees half a file.
    Returns True if the file was written."""
    try:
        with open(path) as f:
            if f.read() == text:
                return False
    except OSError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    return True
