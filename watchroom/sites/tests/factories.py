from __future__ import annotations

import factory

from watchroom.sites import models


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Campus
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"院区{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Building

    campus = factory.SubFactory(CampusFactory)
    code = factory.Sequence(lambda n: f"B{n}")
    name = factory.Sequence(lambda n: f"{n}号楼")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Area

    campus = factory.SubFactory(CampusFactory)
    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.Sequence(lambda n: f"区域{n}")
    area_type = models.AreaType.CORRIDOR


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MonitoringRoom

    campus = factory.SubFactory(CampusFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"监控室{n}")


class CameraGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CameraGroup

    campus = factory.SubFactory(CampusFactory)
    code = factory.Sequence(lambda n: f"G{n}")
    name = factory.Sequence(lambda n: f"分组{n}")


class RecorderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Recorder

    campus = factory.SubFactory(CampusFactory)
    number = factory.Sequence(lambda n: f"NVR-{n:03d}")
    name = factory.Sequence(lambda n: f"录像机{n}")


class CameraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Camera

    number = factory.Sequence(lambda n: f"CAM-{n:05d}")
    name = factory.Sequence(lambda n: f"摄像机{n}")
    area = factory.SubFactory(AreaFactory)
    stream_url = factory.Sequence(lambda n: f"rtsp://127.0.0.1:8554/cam{n}")


class FloorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Floor

    building = factory.SubFactory(BuildingFactory)
    level = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"{n + 1}层")
