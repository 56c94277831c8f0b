# kunit.py --qemu_config for the SMP run of the drm_gpuvm suites (make smp):
# x86_64 under QEMU with two virtual CPUs, TCG only (qemu-system-x86_64-tcg,
# see x86_64.py), so that the race cases of the suites run on more than the
# one CPU UML has.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SMP=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64-tcg',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-smp', '2', '-m', '2048'])
