"""Twin of richards.lox: AWFY's Richards, a simulated task scheduler.

Each task's behaviour is a closure over the scheduler, as in the Lox program
(and AWFY's Java); the task table and a packet's data are lists where the Lox
program has its Array class, and the idle task's exclusive or is Python's ^.
"""

import sys

IDLER = 0
WORKER = 1
HANDLER_A = 2
HANDLER_B = 3
DEVICE_A = 4
DEVICE_B = 5
NUM_TYPES = 6

DEVICE_PACKET_KIND = 0
WORK_PACKET_KIND = 1
DATA_SIZE = 4


class RBObject:
    def append(self, packet, queue_head):
        """Appends `packet` to the queue at `queue_head`; answers the head."""
        packet.link = None
        if queue_head is None:
            return packet
        mouse = queue_head
        link = mouse.link
        while link is not None:
            mouse = link
            link = mouse.link
        mouse.link = packet
        return queue_head


class Packet(RBObject):
    def __init__(self, link, identity, kind):
        self.link = link
        self.identity = identity
        self.kind = kind
        self.datum = 0
        self.data = [0] * DATA_SIZE


class DeviceTaskDataRecord(RBObject):
    def __init__(self):
        self.pending = None


class HandlerTaskDataRecord(RBObject):
    def __init__(self):
        self.work_in = None
        self.device_in = None

    def device_in_add(self, packet):
        self.device_in = self.append(packet, self.device_in)

    def work_in_add(self, packet):
        self.work_in = self.append(packet, self.work_in)


class IdleTaskDataRecord(RBObject):
    def __init__(self):
        self.control = 1
        self.count = 10000


class WorkerTaskDataRecord(RBObject):
    def __init__(self):
        self.destination = HANDLER_A
        self.count = 0


class TaskState(RBObject):
    def __init__(self):
        self.packet_pending = True
        self.task_waiting = False
        self.task_holding = False

    def packet_pending_state(self):
        self.packet_pending = True
        self.task_waiting = False
        self.task_holding = False

    def running(self):
        self.packet_pending = False
        self.task_waiting = False
        self.task_holding = False

    def waiting(self):
        self.packet_pending = False
        self.task_holding = False
        self.task_waiting = True

    def waiting_with_packet(self):
        self.task_holding = False
        self.task_waiting = True
        self.packet_pending = True

    def is_running(self):
        return not self.packet_pending and not self.task_waiting and not self.task_holding

    def is_task_holding_or_waiting(self):
        return self.task_holding or (not self.packet_pending and self.task_waiting)

    def is_waiting(self):
        return not self.packet_pending and self.task_waiting and not self.task_holding

    def is_waiting_with_packet(self):
        return self.packet_pending and self.task_waiting and not self.task_holding


def create_running():
    state = TaskState()
    state.running()
    return state


def create_waiting():
    state = TaskState()
    state.waiting()
    return state


def create_waiting_with_packet():
    state = TaskState()
    state.waiting_with_packet()
    return state


class TaskControlBlock(TaskState):
    def __init__(self, link, identity, priority, initial_work_queue, initial_state, function, private_data):
        super().__init__()
        self.link = link
        self.identity = identity
        self.priority = priority
        self.input = initial_work_queue
        self.packet_pending = initial_state.packet_pending
        self.task_waiting = initial_state.task_waiting
        self.task_holding = initial_state.task_holding
        self.function = function
        self.handle = private_data

    def add_input_and_check_priority(self, packet, old_task):
        if self.input is None:
            self.input = packet
            self.packet_pending = True
            if self.priority > old_task.priority:
                return self
        else:
            self.input = self.append(packet, self.input)
        return old_task

    def run_task(self):
        if self.is_waiting_with_packet():
            message = self.input
            self.input = message.link
            if self.input is None:
                self.running()
            else:
                self.packet_pending_state()
        else:
            message = None
        return self.function(message, self.handle)


class Scheduler(RBObject):
    def __init__(self):
        self.task_list = None
        self.current_task = None
        self.current_task_identity = 0
        self.task_table = [None] * NUM_TYPES
        self.queue_packet_count = 0
        self.hold_count = 0

    def create_device(self, identity, priority, work_packet, state):
        def device(packet, data_record):
            function_work = packet
            if function_work is None:
                function_work = data_record.pending
                if function_work is None:
                    return self.wait_task()
                data_record.pending = None
                return self.queue_packet(function_work)
            data_record.pending = function_work
            return self.hold_self()

        self.create_task(identity, priority, work_packet, state, device, DeviceTaskDataRecord())

    def create_handler(self, identity, priority, work_packet, state):
        def handler(work, data_record):
            if work is not None:
                if work.kind == WORK_PACKET_KIND:
                    data_record.work_in_add(work)
                else:
                    data_record.device_in_add(work)
            work_packet = data_record.work_in
            if work_packet is None:
                return self.wait_task()
            count = work_packet.datum
            if count >= DATA_SIZE:
                data_record.work_in = work_packet.link
                return self.queue_packet(work_packet)
            device_packet = data_record.device_in
            if device_packet is None:
                return self.wait_task()
            data_record.device_in = device_packet.link
            device_packet.datum = work_packet.data[count]
            work_packet.datum = count + 1
            return self.queue_packet(device_packet)

        self.create_task(identity, priority, work_packet, state, handler, HandlerTaskDataRecord())

    def create_idler(self, identity, priority, work, state):
        def idler(packet, data_record):
            data_record.count = data_record.count - 1
            if data_record.count == 0:
                return self.hold_self()
            half = data_record.control // 2
            if half * 2 == data_record.control:
                data_record.control = half
                return self.release(DEVICE_A)
            data_record.control = half ^ 0xD008
            return self.release(DEVICE_B)

        self.create_task(identity, priority, work, state, idler, IdleTaskDataRecord())

    def create_worker(self, identity, priority, work_packet, state):
        def worker(work, data_record):
            if work is None:
                return self.wait_task()
            if data_record.destination == HANDLER_A:
                data_record.destination = HANDLER_B
            else:
                data_record.destination = HANDLER_A
            work.identity = data_record.destination
            work.datum = 0
            for i in range(DATA_SIZE):
                data_record.count = data_record.count + 1
                if data_record.count > 26:
                    data_record.count = 1
                work.data[i] = 65 + data_record.count - 1
            return self.queue_packet(work)

        self.create_task(identity, priority, work_packet, state, worker, WorkerTaskDataRecord())

    def create_task(self, identity, priority, work, state, function, data):
        task = TaskControlBlock(self.task_list, identity, priority, work, state, function, data)
        self.task_list = task
        self.task_table[identity] = task

    def start(self):
        self.create_idler(IDLER, 0, None, create_running())
        work_q = Packet(None, WORKER, WORK_PACKET_KIND)
        work_q = Packet(work_q, WORKER, WORK_PACKET_KIND)
        self.create_worker(WORKER, 1000, work_q, create_waiting_with_packet())

        work_q = Packet(None, DEVICE_A, DEVICE_PACKET_KIND)
        work_q = Packet(work_q, DEVICE_A, DEVICE_PACKET_KIND)
        work_q = Packet(work_q, DEVICE_A, DEVICE_PACKET_KIND)
        self.create_handler(HANDLER_A, 2000, work_q, create_waiting_with_packet())

        work_q = Packet(None, DEVICE_B, DEVICE_PACKET_KIND)
        work_q = Packet(work_q, DEVICE_B, DEVICE_PACKET_KIND)
        work_q = Packet(work_q, DEVICE_B, DEVICE_PACKET_KIND)
        self.create_handler(HANDLER_B, 3000, work_q, create_waiting_with_packet())

        self.create_device(DEVICE_A, 4000, None, create_waiting())
        self.create_device(DEVICE_B, 5000, None, create_waiting())

        self.schedule()

    def find_task(self, identity):
        task = self.task_table[identity]
        if task is None:
            raise RuntimeError("findTask failed")
        return task

    def hold_self(self):
        self.hold_count = self.hold_count + 1
        self.current_task.task_holding = True
        return self.current_task.link

    def queue_packet(self, packet):
        task = self.find_task(packet.identity)
        self.queue_packet_count = self.queue_packet_count + 1
        packet.link = None
        packet.identity = self.current_task_identity
        return task.add_input_and_check_priority(packet, self.current_task)

    def release(self, identity):
        task = self.find_task(identity)
        task.task_holding = False
        if task.priority > self.current_task.priority:
            return task
        return self.current_task

    def wait_task(self):
        self.current_task.task_waiting = True
        return self.current_task

    def schedule(self):
        self.current_task = self.task_list
        while self.current_task is not None:
            if self.current_task.is_task_holding_or_waiting():
                self.current_task = self.current_task.link
            else:
                self.current_task_identity = self.current_task.identity
                self.current_task = self.current_task.run_task()


def run(iterations):
    scheduler = None
    for _ in range(iterations):
        scheduler = Scheduler()
        scheduler.start()
        if scheduler.queue_packet_count != 23246 or scheduler.hold_count != 9297:
            print(scheduler.queue_packet_count)
            print(scheduler.hold_count)
            return False
    print(scheduler.queue_packet_count)
    print(scheduler.hold_count)
    return True


print("true" if run(int(sys.argv[1]) if len(sys.argv) > 1 else 8) else "false")
