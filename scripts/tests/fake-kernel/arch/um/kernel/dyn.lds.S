/* The lines of the kernel file that coverage/uml-fini-array.patch changes. */
    *(.init_array.*)
    *(.init_array)
  }
  .fini_array     : { *(.fini_array) }
  .data           : {
    INIT_TASK_DATA(KERNEL_STACK_SIZE)
    DATA_DATA
