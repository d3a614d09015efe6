"""The UNO side of the converter: runs under a Python that has LibreOffice's `uno` module.

Debian's python3-uno serves the system /usr/bin/python3 only, so docgen starts this file as
a helper process. It starts one LibreOffice with the profile it is given, connects to it
through a named pipe and converts on request. Protocol: JSON lines; in
`{"id": n, "src": path, "dst": path}`, out first `{"ready": true, "office_pid": pid}` (or
`{"ready": false, "error": text}`), then one `{"id": n, "ok": bool, "error": text,
"fatal": bool}` per request; `{"quit": true}` stops LibreOffice. End of input without it
means docgen was killed: LibreOffice is killed and the instance's directory removed.
This file must not import docgen: it runs outside the project's environment.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException

PARENT_CHECK = 1.0  # seconds between checks that docgen is still there
CONNECT_PAUSE = 0.05
DOCX_FILTER = "MS Word 2007 XML"
# PDF/A-2b (SelectPdfVersion 2), tagged, fonts embedded: what an archive accepts (ND30).
# batch.py's PDF_FILTER sets the same options for `soffice --convert-to`.
PDF_EXPORT = dict(EmbedStandardFonts=True, SelectPdfVersion=2, UseTaggedPDF=True)
ending = threading.Event()


def props(**values):
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


PROFILE = None  # set by main(): the instance's profile, removed if docgen is gone


def reply(message):
    """Send one line to docgen; a closed pipe means docgen died: clean up and go."""
    try:
        sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except (BrokenPipeError, ValueError, OSError):
        orphaned(PROFILE)


def kill_group(*_):
    """Kill LibreOffice with this worker: they share the process group docgen made."""
    os.killpg(os.getpgrp(), signal.SIGKILL)


def die_with_parent(parent, profile):
    """Take LibreOffice down if docgen dies, even while a conversion hangs.

    Not PR_SET_PDEATHSIG: it fires when the *thread* that started us ends, and docgen
    starts LibreOffice from whichever thread converts first.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK)
    orphaned(profile)


def orphaned(profile):
    """Kill LibreOffice, remove the instance's directory docgen can no longer remove, exit."""
    ending.set()
    try:
        me, group = os.getpid(), os.getpgrp()
        for pid in group_members(group):
            if pid != me:
                os.kill(pid, signal.SIGKILL)
        base = os.path.dirname(os.path.abspath(profile))
        if os.path.basename(base).startswith("docgen-lo-"):
            time.sleep(0.2)  # let the killed processes release their files
            shutil.rmtree(base, ignore_errors=True)
    finally:
        kill_group()


def group_members(group):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:
            found.append(int(entry))
    return found


def start_office(args):
    profile = uno.systemPathToFileUrl(os.path.abspath(args.profile))
    accept = f"pipe,name={args.pipe};urp;StarOffice.ComponentContext"
    cmd = [args.soffice, "-env:UserInstallation=" + profile, "--headless", "--invisible",
           "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--accept=" + accept]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=sys.stderr)


def connect(office, pipe, deadline):
    """The Desktop of the started office, retrying while it starts; None past the deadline."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    while time.monotonic() < deadline:
        if office.poll() is not None:
            # Shown to the clerk inside a Vietnamese message: Vietnamese too.
            raise RuntimeError(f"LibreOffice dừng ngay khi khởi động, mã thoát {office.returncode}")
        try:
            ctx = resolver.resolve(url)
        except NoConnectException:
            time.sleep(CONNECT_PAUSE)
            continue
        return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return None


def convert(desktop, src, dst):
    # Hidden, read-only, macros never run: documents may come from users' own templates.
    # A .docx is opened as DOCX only, so a broken one fails instead of printing as text.
    load = dict(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0)
    if src.lower().endswith(".docx"):
        load["FilterName"] = DOCX_FILTER
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                       props(**load))
    if doc is None:
        raise ValueError(f"LibreOffice could not open {src}")
    try:
        export = props(**PDF_EXPORT)
        doc.storeToURL(uno.systemPathToFileUrl(dst), props(
            FilterName="writer_pdf_Export",
            FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", export)))
    finally:
        try:
            doc.close(True)
        except Exception:
            doc.dispose()


def watch(office):
    """Exit as soon as LibreOffice does, so docgen sees end of output and restarts it."""
    office.wait()
    if not ending.is_set():  # else orphaned() is cleaning up and exits itself
        sys.stdout.flush()
        os._exit(3)


def serve(desktop):
    """Answer requests until docgen says quit (True) or its end of the pipe closes (False)."""
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            return True
        try:
            convert(desktop, request["src"], request["dst"])
        except DisposedException as exc:
            reply({"id": request["id"], "ok": False, "fatal": True, "error": str(exc.Message)})
            return True
        except Exception as exc:
            message = getattr(exc, "Message", "") or str(exc) or type(exc).__name__
            # A dead bridge shows up as a RuntimeException: the office is gone.
            fatal = "Binary URP bridge" in message or "disposed" in message.lower()
            reply({"id": request["id"], "ok": False, "fatal": fatal, "error": message})
            if fatal:
                return True
        else:
            reply({"id": request["id"], "ok": True})
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--pipe", required=True)
    parser.add_argument("--start-timeout", type=float, default=60.0)
    args = parser.parse_args()
    global PROFILE
    PROFILE = args.profile
    threading.Thread(target=die_with_parent, args=(os.getppid(), args.profile),
                     daemon=True).start()
    signal.signal(signal.SIGTERM, kill_group)
    office = start_office(args)
    try:
        desktop = connect(office, args.pipe, time.monotonic() + args.start_timeout)
    except Exception as exc:
        desktop, error = None, str(exc)
    else:
        error = f"LibreOffice không nhận kết nối sau {args.start_timeout:g} giây"
    if desktop is None:
        reply({"ready": False, "error": error})
        kill_group()
    threading.Thread(target=watch, args=(office,), daemon=True).start()
    reply({"ready": True, "office_pid": office.pid})
    if not serve(desktop):
        orphaned(args.profile)  # docgen is gone without saying quit: killed
    with contextlib.suppress(Exception):
        desktop.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        office.wait(10)
    kill_group()


if __name__ == "__main__":
    main()
