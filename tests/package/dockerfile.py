"""Reading the Dockerfile for the tests that check it without Docker
(container_runtime_stage_test.py, tests/docs/ci_example_test.py)."""
import shlex


def stages(path):
    """[(name, [instruction])]: one per FROM, in order; continuation lines
    joined, comments dropped. The name is what follows AS, or ""."""
    lines, current = [], ""
    for raw in open(path, encoding="utf-8").read().splitlines():
        if raw.lstrip().startswith("#") and not current:
            continue
        current += raw.rstrip("\\").strip() + " "
        if not raw.endswith("\\"):
            if current.strip():
                lines.append(current.strip())
            current = ""
    result = []
    for line in lines:
        if line.upper().startswith("FROM "):
            words = line.split()
            result.append((words[3] if len(words) > 3 and words[2].upper() == "AS" else "", []))
        elif result:
            result[-1][1].append(line)
    return result


def commands(shell):
    """The commands of a shell line (a RUN's, a workflow step's), each as its words."""
    return [shlex.split(part, comments=True) for part in shell.split("&&")]


def apt_packages(shell):
    """The packages a shell line installs with apt-get install."""
    packages = set()
    for words in commands(shell):
        if "apt-get" in words and words[words.index("apt-get") + 1:][:1] == ["install"]:
            packages |= {word for word in words[words.index("apt-get") + 2:] if not word.startswith("-")}
    return packages


def runtime_packages(path):
    """What the last (runtime) stage installs."""
    packages = set()
    for line in stages(path)[-1][1]:
        if line.startswith("RUN "):
            packages |= apt_packages(line[4:])
    return packages
