"""bhemu: runs a Bulkhead ISO under Bochs or QEMU and drives its serial port."""


class UsageError(Exception):
    """A bad command line, board file or environment: exit status 2."""


class RunFailure(Exception):
    """The run did not pass (timeout, fail_on match, early exit): exit status 1."""
