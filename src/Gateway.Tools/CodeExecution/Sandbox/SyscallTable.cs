using System.Runtime.InteropServices;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// What the seccomp filter refuses, by this architecture's syscall numbers. Only architectures with a
/// table here can run code: a filter with numbers from another architecture would refuse the wrong
/// calls and let the dangerous ones through, so an unknown one is refused rather than run unfiltered.
/// </summary>
/// <param name="AuditArch">The AUDIT_ARCH_* value the kernel reports in seccomp_data.arch for native calls.</param>
/// <param name="ForeignAbiBit">Syscall numbers with this bit set belong to a second ABI on the same
/// arch value (x32 on x86_64); they are all refused. 0 when there is none.</param>
internal sealed record SyscallTable(
    string Architecture,
    uint AuditArch,
    uint ForeignAbiBit,
    uint CloneCall,
    uint Clone3Call,
    IReadOnlyDictionary<string, uint> Denied)
{
    /// <summary>x86_64 numbers, from the kernel's arch/x86/entry/syscalls/syscall_64.tbl (asm/unistd_64.h).</summary>
    public static SyscallTable X64 { get; } = new("x86_64", AuditArch: 0xC000003E, ForeignAbiBit: 0x40000000, CloneCall: 56, Clone3Call: 435,
        new Dictionary<string, uint>(StringComparer.Ordinal)
        {
            // New namespaces would undo the sandbox's own (clone with namespace flags is checked apart).
            ["unshare"] = 272, ["setns"] = 308,
            // Mounts: the sandbox's file system view is fixed by bwrap.
            ["mount"] = 165, ["umount2"] = 166, ["pivot_root"] = 155, ["chroot"] = 161, ["open_tree"] = 428,
            ["move_mount"] = 429, ["fsopen"] = 430, ["fsconfig"] = 431, ["fsmount"] = 432, ["fspick"] = 433,
            ["mount_setattr"] = 442,
            // Reaching into other processes.
            ["ptrace"] = 101, ["process_vm_readv"] = 310, ["process_vm_writev"] = 311, ["kcmp"] = 312,
            ["pidfd_getfd"] = 438, ["process_madvise"] = 440,
            // Large kernel attack surface that Python code has no use for.
            ["bpf"] = 321, ["userfaultfd"] = 323, ["perf_event_open"] = 298, ["io_uring_setup"] = 425,
            ["io_uring_enter"] = 426, ["io_uring_register"] = 427, ["keyctl"] = 250, ["add_key"] = 248,
            ["request_key"] = 249,
            // File handles bypass the mount view (the "shocker" escape).
            ["open_by_handle_at"] = 304, ["name_to_handle_at"] = 303,
            // Administration of the host.
            ["kexec_load"] = 246, ["kexec_file_load"] = 320, ["init_module"] = 175, ["finit_module"] = 313,
            ["delete_module"] = 176, ["swapon"] = 167, ["swapoff"] = 168, ["reboot"] = 169, ["acct"] = 163,
            ["quotactl"] = 179, ["quotactl_fd"] = 443, ["syslog"] = 103, ["settimeofday"] = 164,
            ["clock_settime"] = 227, ["clock_adjtime"] = 305, ["adjtimex"] = 159, ["iopl"] = 172, ["ioperm"] = 173,
            ["vhangup"] = 153, ["lookup_dcookie"] = 212, ["nfsservctl"] = 180, ["uselib"] = 134, ["_sysctl"] = 156,
            ["fanotify_init"] = 300,
        });

    /// <summary>CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET.</summary>
    public const uint NamespaceCloneFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

    public static SyscallTable? For(Architecture architecture) => architecture == System.Runtime.InteropServices.Architecture.X64 ? X64 : null;
}
