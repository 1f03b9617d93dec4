# lit configuration for procshare.
import os
import shutil
import lit.formats

config.name = "procshare"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".test"]
config.excludes = ["Inputs", "tools", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.procshare_obj_root, "test")

bin_dir = config.procshare_obj_root
config.environment["PATH"] = os.pathsep.join(
    [bin_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
# Keep user configuration out of the tests.
config.environment["HOME"] = "/nonexistent-procshare-home"
config.environment["XDG_CONFIG_HOME"] = "/nonexistent-procshare-home"

test_dir = os.path.dirname(__file__)
check = "%s %s" % (config.python, os.path.join(test_dir, "check_procshare.py"))
config.substitutions.append(("%check_procshare", check + " --procshare=%s --clang-tidy=%s --plugin=%s --clangd=%s" % (
    os.path.join(bin_dir, "procshare"), config.clang_tidy,
    os.path.join(bin_dir, "libprocshare-tidy.so"),
    os.path.join(bin_dir, "procshare-clangd") if config.has_clangd else "")))
config.substitutions.append(("%check_project", "%s %s --procshare=%s --clang-tidy=%s --plugin=%s" % (
    config.python, os.path.join(test_dir, "index", "check_project.py"),
    os.path.join(bin_dir, "procshare"), config.clang_tidy,
    os.path.join(bin_dir, "libprocshare-tidy.so"))))
config.substitutions.append(("%procshare-dump-regions", os.path.join(bin_dir, "procshare-dump-regions")))
config.substitutions.append(("%procshare-clangd", os.path.join(bin_dir, "procshare-clangd")))
config.substitutions.append(("%procshare", os.path.join(bin_dir, "procshare")))
config.substitutions.append(("%clang_tidy", config.clang_tidy))
config.substitutions.append(("%plugin", os.path.join(bin_dir, "libprocshare-tidy.so")))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%expect_exit", "%s %s" % (config.python, os.path.join(test_dir, "expect_exit.py"))))
config.substitutions.append(("%lsp_client", "%s %s" % (config.python, os.path.join(test_dir, "lsp", "lsp_client.py"))))
config.substitutions.append(("%{src_root}", config.procshare_src_root))
config.substitutions.append(("%{obj_root}", config.procshare_obj_root))
if shutil.which("cpack") and shutil.which("dpkg-deb"):
    config.available_features.add("cpack")
if config.has_clangd:
    config.available_features.add("clangd")
if shutil.which("git"):
    config.available_features.add("git")
if shutil.which("pre-commit"):
    config.available_features.add("pre-commit")
if shutil.which("cmake") and shutil.which("ninja"):
    config.available_features.add("cmake")
# An interpreter with Debian's python3-jsonschema, for the SARIF schema test
# (the one running lit, or the system's).
import subprocess
for candidate in [config.python, "/usr/bin/python3"]:
    if shutil.which(candidate) and subprocess.call([candidate, "-c", "import jsonschema"],
                                                 stderr=subprocess.DEVNULL) == 0:
        config.available_features.add("jsonschema")
        config.substitutions.insert(0, ("%python_jsonschema", candidate))
        break
