using Mnist.IO;

namespace Mnist.Runtime.Tests.IO;

public class TemporariesTests
{
    // a process id no process has (Linux pids stop at 2^22)
    private const int DeadPid = 9_999_999;

    [Fact]
    public void A_killed_runs_temporaries_are_removed_by_the_next_write_of_the_same_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File($".model.npz.{DeadPid}-1.tmp"), "half a checkpoint");
        Directory.CreateDirectory(dir.File($".train_x.{DeadPid}-2.tmp"));
        File.WriteAllText(Path.Combine(dir.File($".train_x.{DeadPid}-2.tmp"), "00001.png"), "x");
        File.WriteAllText(dir.File(".model.npz.1-3.tmp"), "pid 1 is alive: not ours to delete");

        AtomicFile.WriteAllText(dir.File("model.npz"), "new");
        Temporaries.RemoveStale(dir.File("train_x"));

        Assert.False(File.Exists(dir.File($".model.npz.{DeadPid}-1.tmp")));
        Assert.False(Directory.Exists(dir.File($".train_x.{DeadPid}-2.tmp")));
        Assert.True(File.Exists(dir.File(".model.npz.1-3.tmp")));
        Assert.Equal("new", File.ReadAllText(dir.File("model.npz")));
    }

    [Fact]
    public void A_folder_left_half_replaced_is_put_back()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File($".train_x.{DeadPid}-4.old"));
        File.WriteAllText(Path.Combine(dir.File($".train_x.{DeadPid}-4.old"), "00001.png"), "old image");

        Temporaries.RemoveStale(dir.File("train_x"));

        Assert.Equal("old image", File.ReadAllText(Path.Combine(dir.File("train_x"), "00001.png")));
    }

    [Fact]
    public void Temporaries_named_by_earlier_versions_are_removed_too()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File($".model.npz.{DeadPid}.0123456789abcdef0123456789abcdef.tmp"), "x");
        Directory.CreateDirectory(dir.File($"pngs.{DeadPid}.tmp"));
        Directory.CreateDirectory(dir.File($"pngs.{DeadPid}.old"));
        Directory.CreateDirectory(dir.File("pngs"));

        Temporaries.RemoveStale(dir.File("model.npz"));
        Temporaries.RemoveStale(dir.File("pngs"));

        Assert.Equal(["pngs"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Temporary_names_carry_the_process_id_and_sit_beside_the_file()
    {
        string name = Temporaries.For("/data/run/model.npz");
        Assert.Matches($@"^/data/run/\.model\.npz\.{Environment.ProcessId}-\d+\.tmp$", name);
    }
}
