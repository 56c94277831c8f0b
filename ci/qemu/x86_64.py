# kunit.py --qemu_config for drm-ci's x86_64 KUnit job, reproduced here.
#
# kunit.py always asks QEMU for '-accel kvm' first.  On our machines
# /dev/kvm exists but guests hang, so this config names the wrapper
# qemu-system-x86_64-tcg (ci/bin, put first in PATH by scripts/ci-drm.sh),
# which drops every accelerator but TCG before running QEMU.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64-tcg',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=[])
