"""The grading sandbox: the only process that runs a student's code.

    python -m ppo_core.homework.worker        (started by :mod:`.grade`; speaks on stdin/stdout)

The grader (:mod:`.grade`) never executes student code. It starts this process, sends it the
notebook's first code cell (the teacher's imports) and the student's cells, then asks it to call
a student function on the inputs of one checker case at a time. The sandbox answers with the
output and nothing else: the checker, its expected values and its verdict stay in the grader's
process, which the student's code never reaches. So a student cell that patches
``ppo_core.checks``, rebinds a checker or inspects the caller's frame changes nothing in the
grade; the best a forged answer can do is send an output, and the grader judges every output.

Messages are length-prefixed ``torch.save`` payloads; the grader reads them with
``torch.load(weights_only=True)``, which accepts tensors, numbers, strings and plain containers
only, so a reply cannot carry code. Student prints go to /dev/null.

While a student function runs, a profiler records every call into a reference implementation
(the exercise's ``reference`` and the library functions its ``shortcuts`` name), whatever name
or path reached it, and reports the call chain (``my_gae → solve → gae``).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import hashlib
import inspect
import io
import linecache
import os
import signal
import sys
import traceback

import torch

from ..i18n import tr

# Top-level statements of the student's cells that are run: definitions. An assignment runs only if
# what it calls (if anything) lives in one of these modules: `EPS = 1e-8` or `SCALE = math.log(2)`,
# not `my_agent, my_history = train(PPOConfig(total_steps=300_000))`.
DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
ASSIGNMENTS = (ast.Assign, ast.AnnAssign)
PURE_MODULES = ("math", "torch", "numpy", "cmath", "fractions", "decimal", "operator")
PURE_BUILTINS = {"float", "int", "bool", "str", "tuple", "list", "dict", "set", "frozenset", "range", "len", "abs", "min",
                 "max", "sum", "round", "pow", "divmod", "complex", "sorted", "reversed", "zip", "enumerate", "map"}
STATEMENT_SECONDS = 5  # each definition gets this long; a slower one is stopped and reported as skipped


class _TooSlow(BaseException):
    pass


# ----- the channel ----------------------------------------------------------------------------------

def encode(message) -> bytes:
    buffer = io.BytesIO()
    torch.save(message, buffer)
    data = buffer.getvalue()
    return len(data).to_bytes(8, "big") + data


def decode(data: bytes):
    return torch.load(io.BytesIO(data), weights_only=True)


def _read_exact(stream, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError("the other side closed the channel")
        data += chunk
    return data


def read_message(stream):
    return decode(_read_exact(stream, int.from_bytes(_read_exact(stream, 8), "big")))


# ----- which statements run --------------------------------------------------------------------------

def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _calls(node):
    """The Call nodes of an expression, outside lambda bodies (a lambda's body runs only when called)."""
    if isinstance(node, ast.Lambda):
        return
    if isinstance(node, ast.Call):
        yield node
    for child in ast.iter_child_nodes(node):
        yield from _calls(child)


def _pure(obj) -> bool:
    if inspect.ismodule(obj):
        return obj.__name__.split(".")[0] in PURE_MODULES
    module = getattr(obj, "__module__", None) or ""
    builtin = getattr(builtins, getattr(obj, "__name__", ""), None) is obj
    return module.split(".")[0] in PURE_MODULES or (builtin and obj.__name__ in PURE_BUILTINS)


def why_skipped(node, namespace) -> str | None:
    """None if the top-level statement is run, else why it is skipped."""
    if isinstance(node, DEFINITIONS):
        return None
    if isinstance(node, ASSIGNMENTS):
        value = node.value
        if value is None:
            return None
        for call in _calls(value):
            root = _root_name(call.func)
            obj = namespace.get(root, vars(builtins).get(root)) if root else None
            if root is None or obj is None or not _pure(obj):
                return tr("an assignment that calls something outside torch, math and numpy (scratch work is not graded)")
        return None
    return tr("not a definition (calls, prints, loops and tests are not run by the grader)")


def _first_line(source: str, node) -> str:
    line = source.splitlines()[node.lineno - 1].strip() if node.lineno - 1 < len(source.splitlines()) else ""
    return line if len(line) <= 80 else line[:77] + "..."


def _defined_names(node) -> list:
    """The names a top-level statement binds: a def's or class's name, import aliases, assignment targets."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    return _assigned_names(node) if isinstance(node, ASSIGNMENTS) else []


def _assigned_names(node) -> list:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


# ----- the shortcut recorder -------------------------------------------------------------------------

def _code_key(code) -> str:
    """What a copy of a function has in common with the original: its name, arguments, names and constants.

    Not the bytecode: a running function's bytecode is specialized, so a fresh copy's differs.
    """
    consts = tuple(c for c in code.co_consts if not hasattr(c, "co_code"))
    return hashlib.sha1(repr((code.co_name, code.co_argcount, code.co_varnames, code.co_names, consts)).encode()).hexdigest()


def _functions_named(name: str):
    """Every function or method called ``name`` in ppo_core, torch.distributions and torch.autograd."""
    import torch.distributions

    found = []
    modules = [m for n, m in list(sys.modules.items()) if n == "ppo_core" or n.startswith("ppo_core.")]
    modules += [torch.distributions, torch.autograd]
    for module in modules:
        obj = vars(module).get(name)
        if obj is not None:  # named where it is defined: ppo_core.advantages.gae, not ppo_core.gae
            found.append((f"{getattr(obj, '__module__', None) or module.__name__}.{getattr(obj, '__qualname__', name)}", obj))
    classes = [torch.Tensor] + [c for c in vars(torch.distributions).values() if inspect.isclass(c)]
    for cls in classes:
        obj = vars(cls).get(name)
        if obj is not None:
            found.append((f"{cls.__module__}.{cls.__qualname__}.{name}", obj))
    return found


def _codes_of(obj):
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if callable(obj) and not inspect.isclass(obj):
        # the function itself, not a decorator's wrapper: torch.no_grad's wrapper code is shared by every function it wraps
        obj = inspect.unwrap(obj)
    if isinstance(obj, property):
        return [c for f in (obj.fget, obj.fset) if f is not None for c in _codes_of(f)]
    if inspect.isclass(obj):
        return [c for member in vars(obj).values() for c in _codes_of(member)]
    code = getattr(obj, "__code__", None)
    return [code] if code is not None else []


class Recorder:
    """Records calls into the reference implementations made from student code (a sys.setprofile hook)."""

    def __init__(self, targets: dict):
        self.by_code, self.by_key, self.names = {}, {}, set()
        for label, objects in targets.items():
            for obj in objects:
                for code in _codes_of(obj):
                    self.by_code.setdefault(code, label)  # the first label wins: a shortcut's name before "the reference"
                    self.by_key.setdefault(_code_key(code), label)
                    self.names.add(code.co_name)
        self.calls, self.entry, self.function = [], None, ""

    def _label(self, code):
        if code.co_name not in self.names:
            return None
        return self.by_code.get(code) or self.by_key.get(_code_key(code))

    def hook(self, frame, event, arg):
        if event != "call":
            return
        label = self._label(frame.f_code)
        if label is None:
            return
        chain, student, outer = [], False, frame.f_back
        while outer is not None and outer.f_code is not self.entry:
            if self._label(outer.f_code) is not None:
                return  # inside another reference call: the outer one is recorded
            student |= outer.f_code.co_filename.startswith("<cell")
            chain.append(outer.f_code.co_qualname)
            outer = outer.f_back
        if (student or not chain) and outer is not None:  # called from student code, or it *is* the student's function
            self.calls.append(" → ".join([*reversed(chain), label]) if chain else f"{self.function} is {label}")

    @contextlib.contextmanager
    def watching(self, entry_code, function=""):
        self.calls, self.entry, self.function = [], entry_code, function
        sys.setprofile(self.hook)
        try:
            yield
        finally:
            sys.setprofile(None)


# ----- the sandbox ----------------------------------------------------------------------------------

def _portable(value, depth=0):
    """A reply-safe copy of a student's output: plain tensors, numbers, strings and containers of them."""
    if isinstance(value, torch.Tensor):
        return value.detach().as_subclass(torch.Tensor).clone()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)) and depth < 3:
        return type(value)(_portable(v, depth + 1) for v in value)
    return {"__unreadable__": type(value).__name__}


class Sandbox:
    def __init__(self):
        self.namespace = {"__name__": "__main__"}
        self.recorders = {}
        self.skipped_names = {}
        self.last = None

    def load(self, request, progress):
        setup, cells, owners = request["setup"], request["cells"], request.get("owners", {})
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(setup, "<the notebook's first code cell>", "exec"), self.namespace)
        except BaseException as err:
            return {"setup_error": f"{type(err).__name__}: {err}"}
        from ..exercises import find_exercise

        for function in request["functions"]:  # each exercise watches its own reference and shortcuts only
            exercise, targets = find_exercise(function), {}
            for name in exercise.shortcuts:
                for label, obj in _functions_named(name):
                    targets.setdefault(label, []).append(obj)
            reference = getattr(exercise.reference, "__qualname__", "")
            targets.setdefault(f"the checker's reference {reference}", []).append(exercise.reference)
            self.recorders[function] = Recorder(targets)
        skipped, errors = [], {}
        for cell in cells:
            name, source = cell["name"], cell["source"]
            linecache.cache[name] = (len(source), None, source.splitlines(keepends=True), name)
            try:
                tree = ast.parse(source, filename=name)
            except SyntaxError as err:
                errors[name] = f"SyntaxError: {err.msg} ({name}, line {err.lineno}: `{(err.text or '').strip()}`)"
                continue
            for node in tree.body:
                where = f"{name}, line {node.lineno}: `{_first_line(source, node)}`"
                why = why_skipped(node, self.namespace)
                again = [n for n in _defined_names(node) if owners.get(n, name) != name]
                if why is None and again:
                    why = tr("defines {name} again: the grader grades the definition in its exercise cell ({cell}), which "
                             "the checker cell after it checked; put your final answer there").format(
                        name=again[0], cell=owners[again[0]].strip("<>"))
                if why is not None:
                    skipped.append(f"{where}: {why}")
                    if isinstance(node, ASSIGNMENTS):
                        for assigned in _assigned_names(node):
                            self.skipped_names.setdefault(assigned, where)
                    continue
                progress(where)
                try:
                    with contextlib.redirect_stdout(io.StringIO()), _time_limit(STATEMENT_SECONDS):
                        exec(compile(ast.Module(body=[node], type_ignores=[]), name, "exec"), self.namespace)
                except _TooSlow:
                    skipped.append(f"{where}: stopped after {STATEMENT_SECONDS} s (a definition should be instant)")
                except BaseException as err:
                    if isinstance(node, ASSIGNMENTS):
                        skipped.append(f"{where}: raised {type(err).__name__}: {err}")
                    else:
                        errors.setdefault(name, f"{type(err).__name__}: {err} ({where})")
        defined = {}
        for function in request["functions"]:
            value = self.namespace.get(function, None)
            defined[function] = "function" if callable(value) else ("value" if function in self.namespace else "missing")
        return {"skipped": skipped, "errors": errors, "defined": defined}

    def _error(self, err) -> dict:
        frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.startswith("<cell")]
        frame = frames[-1] if frames else None
        message = str(err)
        if isinstance(err, NameError) and getattr(err, "name", None) in self.skipped_names:
            message += (f" (the grader skipped `{err.name} = ...` at {self.skipped_names[err.name]}, because it calls "
                        "something: compute it inside your function)")
        return {"type": type(err).__name__, "message": message,
                "line": None if frame is None else frame.lineno, "code": None if frame is None else (frame.line or "").strip(),
                "cell": None if frame is None else frame.filename}

    def call(self, request):
        fn, recorder = self.namespace.get(request["function"]), self.recorders[request["function"]]
        inputs = dict(request["inputs"])
        for key in request["grad"]:
            inputs[key].requires_grad_(True)
        self.last = None
        reply = {"output": None, "error": None, "requires_grad": False, "inputs_after": {}, "calls": []}
        try:
            with contextlib.redirect_stdout(io.StringIO()), recorder.watching(_invoke.__code__, request["function"]):
                output = _invoke(fn, inputs)
        except BaseException as err:  # the student's function may raise anything, even SystemExit
            reply["error"] = self._error(err)
            reply["calls"] = list(recorder.calls)
            return reply
        reply["calls"] = list(recorder.calls)
        reply["output"] = _portable(output)
        reply["requires_grad"] = isinstance(output, torch.Tensor) and output.requires_grad
        reply["inputs_after"] = {k: v.detach().clone() for k, v in inputs.items() if isinstance(v, torch.Tensor)}
        self.last = (request["call_id"], output, inputs)
        return reply

    def backward(self, request):
        if self.last is None or self.last[0] != request["call_id"]:
            return {"grads": None}
        _, output, inputs = self.last
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                output.backward(request["grad_output"].to(output.dtype))
        except BaseException as err:
            return {"grads": None, "error": f"{type(err).__name__}: {err}"}
        return {"grads": [None if inputs[k].grad is None else inputs[k].grad.detach().clone() for k in request["keys"]]}

    def value(self, request):
        return {"value": _portable(self.namespace.get(request["function"]))}

    def observe(self, request):
        """Run one observer of a behaviour exercise (notebook 05's capstone) on the student's function.

        The observer records what the function did (tensors, numbers, strings); the grader judges the
        record in its own process.
        """
        from ..exercises import find_exercise

        exercise = find_exercise(request["function"])
        fn, recorder = self.namespace.get(request["function"]), self.recorders[request["function"]]
        observer = exercise.stages()[int(request["stage"])][0]
        try:
            with contextlib.redirect_stdout(io.StringIO()), recorder.watching(_invoke_observer.__code__, request["function"]):
                observed = _invoke_observer(observer, fn)
        except NotImplementedError:
            return {"not_attempted": True, "calls": list(recorder.calls)}
        except BaseException as err:
            return {"error": f"{type(err).__name__}: {err}", "calls": list(recorder.calls)}
        return {"observed": observed, "calls": list(recorder.calls)}


def _invoke(fn, inputs):
    return fn(**inputs)


def _invoke_observer(observer, fn):
    return observer(fn)


@contextlib.contextmanager
def _time_limit(seconds):
    if not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise _TooSlow()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def main() -> None:
    """Serve the grader's requests on stdin/stdout until the grader closes the channel."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # student prints and reads go nowhere; the channel is on the duplicated descriptors
        os.dup2(quiet, fd)
    torch.set_num_threads(1)
    sandbox = Sandbox()

    def send(message):
        replies.write(encode(message))
        replies.flush()

    handlers = {"load": lambda r: sandbox.load(r, lambda where: send({"progress": where})), "call": sandbox.call,
                "backward": sandbox.backward, "value": sandbox.value, "observe": sandbox.observe}
    while True:
        try:
            request = read_message(requests)
        except EOFError:
            return
        send({"reply": handlers[request["op"]](request)})


if __name__ == "__main__":
    main()
