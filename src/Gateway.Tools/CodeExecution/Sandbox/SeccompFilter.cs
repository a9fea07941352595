namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// The classic-BPF seccomp program bwrap installs (<c>--seccomp FD</c>) just before it runs the driver,
/// in the form <c>seccomp_export_bpf</c> writes: 8-byte <c>sock_filter</c> instructions, host byte order.
/// A call from another architecture (i386 through int 0x80 on x86_64) kills the process; a call in the
/// table's foreign ABI (x32) or on its deny list fails with EPERM; <c>clone</c> with a namespace flag
/// fails with EPERM; <c>clone3</c>, whose flags sit behind a pointer a filter cannot read, fails with
/// ENOSYS so that libc falls back to <c>clone</c>; everything else is allowed.
/// </summary>
internal static class SeccompFilter
{
    private const ushort LoadWordAbsolute = 0x20; // BPF_LD | BPF_W | BPF_ABS
    private const ushort JumpIfEqual = 0x15;      // BPF_JMP | BPF_JEQ | BPF_K
    private const ushort JumpIfAtLeast = 0x35;    // BPF_JMP | BPF_JGE | BPF_K
    private const ushort JumpIfAnyBit = 0x45;     // BPF_JMP | BPF_JSET | BPF_K
    private const ushort Return = 0x06;           // BPF_RET | BPF_K

    // struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }, little-endian.
    private const uint NumberOffset = 0, ArchOffset = 4, FirstArgLowOffset = 16;

    // A kernel before 4.14, which lacks SECCOMP_RET_KILL_PROCESS, reads this as SECCOMP_RET_KILL_THREAD: still a kill.
    private const uint KillProcess = 0x80000000, Allow = 0x7FFF0000;
    private const uint Errno = 0x00050000, Eperm = 1, Enosys = 38;

    public static byte[] Build(SyscallTable table)
    {
        var program = new Program();
        program.Add(LoadWordAbsolute, ArchOffset);
        program.Jump(JumpIfEqual, table.AuditArch, whenTrue: "native", whenFalse: null);
        program.Add(Return, KillProcess);
        program.Label("native");
        program.Add(LoadWordAbsolute, NumberOffset);
        if (table.ForeignAbiBit != 0)
            program.Jump(JumpIfAtLeast, table.ForeignAbiBit, whenTrue: "deny", whenFalse: null);
        foreach (var number in table.Denied.Values.Order())
            program.Jump(JumpIfEqual, number, whenTrue: "deny", whenFalse: null);
        program.Jump(JumpIfEqual, table.Clone3Call, whenTrue: "enosys", whenFalse: null);
        program.Jump(JumpIfEqual, table.CloneCall, whenTrue: null, whenFalse: "allow");
        program.Add(LoadWordAbsolute, FirstArgLowOffset);
        program.Jump(JumpIfAnyBit, SyscallTable.NamespaceCloneFlags, whenTrue: "deny", whenFalse: null);
        program.Label("allow");
        program.Add(Return, Allow);
        program.Label("deny");
        program.Add(Return, Errno | Eperm);
        program.Label("enosys");
        program.Add(Return, Errno | Enosys);
        return program.Assemble();
    }

    /// <summary>Instructions with jumps to named labels, resolved to the forward offsets BPF wants.</summary>
    private sealed class Program
    {
        private readonly List<(ushort Code, string? WhenTrue, string? WhenFalse, uint K)> _instructions = [];
        private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);

        public void Add(ushort code, uint k) => _instructions.Add((code, null, null, k));

        /// <summary>A null target falls through to the next instruction.</summary>
        public void Jump(ushort code, uint k, string? whenTrue, string? whenFalse) => _instructions.Add((code, whenTrue, whenFalse, k));

        public void Label(string name) => _labels.Add(name, _instructions.Count);

        public byte[] Assemble()
        {
            var bytes = new byte[_instructions.Count * 8];
            for (var i = 0; i < _instructions.Count; i++)
            {
                var (code, whenTrue, whenFalse, k) = _instructions[i];
                var slot = bytes.AsSpan(i * 8, 8);
                BitConverter.TryWriteBytes(slot[..2], code);
                slot[2] = Offset(i, whenTrue);
                slot[3] = Offset(i, whenFalse);
                BitConverter.TryWriteBytes(slot[4..], k);
            }
            return bytes;
        }

        private byte Offset(int from, string? label)
        {
            if (label is null)
                return 0;
            var offset = _labels[label] - from - 1;
            if (offset is < 0 or > byte.MaxValue)
                throw new InvalidOperationException($"seccomp jump from {from} to '{label}' is {offset} instructions: BPF jumps only forward, at most 255");
            return (byte)offset;
        }
    }
}
